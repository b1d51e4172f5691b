//===- PyApiChecks.cpp - CPython call discipline without a path walk ------===//

#include "PyApiChecks.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace custody;

void custody::checkPythonApiCalls(ASTContext &Ctx, std::vector<Finding> &Out) {
  pyapi::checkFormats(Ctx, Out);
  pyapi::checkMethodFlags(Ctx, Out);
}

std::string pyapi::exprText(const Expr *E, const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  CharSourceRange R = Lexer::makeFileCharRange(
      CharSourceRange::getTokenRange(E->getSourceRange()), SM,
      Ctx.getLangOpts());
  if (R.isInvalid())
    return "";
  llvm::StringRef Text = Lexer::getSourceText(R, SM, Ctx.getLangOpts());
  // One line, spaces collapsed.
  std::string Out;
  for (char C : Text) {
    if (C == '\n' || C == '\r' || C == '\t')
      C = ' ';
    if (C == ' ' && (Out.empty() || Out.back() == ' '))
      continue;
    Out += C;
  }
  while (!Out.empty() && Out.back() == ' ')
    Out.pop_back();
  if (Out.empty() || Out.size() > 40)
    return "";
  return Out;
}

std::string pyapi::withArticle(llvm::StringRef Quoted) {
  llvm::StringRef Word = Quoted.ltrim("'");
  bool Vowel = !Word.empty() && llvm::StringRef("aeiouAEIOU").contains(Word[0]);
  return (Vowel ? "an " : "a ") + Quoted.str();
}

bool pyapi::inMainFile(SourceLocation L, const SourceManager &SM) {
  L = SM.getExpansionLoc(L);
  return L.isValid() && SM.isWrittenInMainFile(L);
}
