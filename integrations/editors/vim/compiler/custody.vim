" Vim (and Neovim) compiler file for custody. Put this directory on
" 'runtimepath' (or copy this file to ~/.vim/compiler/ or
" ~/.config/nvim/compiler/), then:
"   :compiler custody
"   :make %        " the current file
"   :make          " every file of the compile database
" The compile database is g:custody_build_dir/compile_commands.json (default:
" build, relative to Vim's current directory).
if exists('current_compiler')
  finish
endif
let current_compiler = 'custody'
if exists(':CompilerSet') != 2
  command -nargs=* CompilerSet setlocal <args>
endif
execute 'CompilerSet makeprg=custody\ --progress=false\ -p\ '
      \ . escape(get(g:, 'custody_build_dir', 'build'), ' \|"') . '\ $*'
" FILE:LINE:COL: warning|error|note: MESSAGE; the source and caret lines
" and the count are left out.
CompilerSet errorformat=%f:%l:%c:\ %trror:\ %m,%f:%l:%c:\ %tarning:\ %m,%f:%l:%c:\ %tote:\ %m,%-G%.%#
