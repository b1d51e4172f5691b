;;; custody.el --- run custody from Emacs -*- lexical-binding: t -*-

;; M-x custody-check-file runs custody on the file of the current buffer in
;; a compilation buffer; its FILE:LINE:COL: warning: lines are the GNU format
;; that compilation mode reads (next-error, M-g n, jumps to each finding and
;; note). custody-on-save-mode runs it after each save.
;;
;;   (load "/path/to/custody/integrations/editors/emacs/custody.el")
;;   (add-hook 'c-mode-hook #'custody-on-save-mode)
;;   (add-hook 'c++-mode-hook #'custody-on-save-mode)

;;; Code:

(require 'compile)

(defvar custody-program "custody"
  "The custody command.")

(defvar custody-build-dir "build"
  "The directory that holds compile_commands.json, relative to the
project's root (where the compilation runs: `default-directory' of the
buffer, or the nearest directory above with a .git).")

(defun custody--root ()
  (or (locate-dominating-file default-directory ".git") default-directory))

(defun custody-check-file ()
  "Run custody on the current file."
  (interactive)
  (let ((default-directory (custody--root)))
    (compile (mapconcat #'shell-quote-argument
                        (list custody-program "--progress=false"
                              "-p" custody-build-dir buffer-file-name)
                        " "))))

(define-minor-mode custody-on-save-mode
  "Run custody on the file after each save."
  :lighter " custody"
  (if custody-on-save-mode
      (add-hook 'after-save-hook #'custody-check-file nil t)
    (remove-hook 'after-save-hook #'custody-check-file t)))

(provide 'custody)
;;; custody.el ends here
