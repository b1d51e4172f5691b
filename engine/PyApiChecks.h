//===- PyApiChecks.h - CPython call discipline without a path walk -*- C++ -*-//
//
// Checks of how a translation unit calls the Python C API that need only the
// AST, not the ownership walk:
//   cpython-format-mismatch: a literal format string of PyArg_Parse*,
//     Py_BuildValue, PyObject_CallFunction/CallMethod, PyUnicode_FromFormat
//     or PyErr_Format whose units do not match the variadic arguments, and a
//     keyword list that does not match its PyArg_ParseTupleAndKeywords format
//     (PyFormatCheck.cpp);
//   cpython-method-flags: a PyMethodDef entry whose METH_* flags do not match
//     the signature of its function (PyMethodFlagsCheck.cpp).
// Only code written in the main file is reported on.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_PYAPICHECKS_H
#define CUSTODY_ENGINE_PYAPICHECKS_H

#include "Finding.h"
#include "clang/AST/ASTContext.h"
#include <vector>

namespace custody {

/// Appends the findings of both checks to Out.
void checkPythonApiCalls(clang::ASTContext &Ctx, std::vector<Finding> &Out);

namespace pyapi {
void checkFormats(clang::ASTContext &Ctx, std::vector<Finding> &Out);
void checkMethodFlags(clang::ASTContext &Ctx, std::vector<Finding> &Out);

/// The text of E as written, when it is short enough for a message.
std::string exprText(const clang::Expr *E, const clang::ASTContext &Ctx);
/// "a 'T'" or "an 'T'".
std::string withArticle(llvm::StringRef Quoted);
/// Whether L is written in the main file (through macros, where they are
/// expanded).
bool inMainFile(clang::SourceLocation L, const clang::SourceManager &SM);
} // namespace pyapi

} // namespace custody

#endif
