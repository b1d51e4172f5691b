//===- PyFormatCheck.cpp - Format strings against their arguments ---------===//
//
// cpython-format-mismatch. A call to a C-API function that takes a format
// string and variadic arguments, with a string literal as the format, is
// read unit by unit; each unit says how many arguments it takes and of which
// C type ("Parsing arguments and building values" and PyUnicode_FromFormat
// in the C-API documentation):
//
//   PyArg_Parse, PyArg_ParseTuple, PyArg_ParseTupleAndKeywords: pointers to
//     where each unit writes ('i' an int *, 's' a const char **, 'O!' a type
//     object and a PyObject **);
//   Py_BuildValue, PyObject_CallFunction, PyObject_CallMethod: the values,
//     after the default argument promotions ('h' takes an int: a short is
//     promoted to one);
//   PyUnicode_FromFormat, PyErr_Format, PyErr_WarnFormat: printf-like
//     conversions plus the object ones (%U %S %R %A %V).
//
// Types are compared the way the callee reads them: integers by size (a
// signedness difference is not reported), floating types by size, pointers
// by what they point to. A type the check cannot judge (void *, an
// incomplete or dependent type) passes. The first mismatch of a call is
// reported, with the count of arguments when that differs too.
//
// '#' units take a length whose type depends on PY_SSIZE_T_CLEAN: with it
// (the callee is then the _SizeT variant) a Py_ssize_t; without it, in 3.10
// to 3.12, PyArg_Parse* raise SystemError and the building functions read an
// int. The Python version is read from the path of the header that declares
// the callee (".../python3.11/modsupport.h"); unknown, nothing is said.
//
//===----------------------------------------------------------------------===//

#include "OwnershipAnalysis.h"
#include "PyApiChecks.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include <optional>

using namespace clang;
using namespace custody;
using namespace custody::pyapi;

namespace {

enum class Style { Parse, Build, Printf };

struct Family {
  llvm::StringRef Name;
  Style S;
  unsigned FormatIndex;
  int KwlistIndex;
};

const Family Families[] = {
    {"PyArg_Parse", Style::Parse, 1, -1},
    {"PyArg_ParseTuple", Style::Parse, 1, -1},
    {"PyArg_ParseTupleAndKeywords", Style::Parse, 2, 3},
    {"Py_BuildValue", Style::Build, 0, -1},
    {"PyObject_CallFunction", Style::Build, 1, -1},
    {"PyObject_CallMethod", Style::Build, 2, -1},
    {"PyUnicode_FromFormat", Style::Printf, 0, -1},
    {"PyErr_Format", Style::Printf, 1, -1},
    {"PyErr_WarnFormat", Style::Printf, 2, -1},
};

/// What one argument of a unit must be.
enum class Need {
  Int,     // an integer of Bits
  Float,   // a floating value of Bits
  Text,    // a pointer to characters
  Object,  // a pointer to an object struct
  AnyPtr,  // any pointer
  Func,    // a converter function
  Struct,  // a Struct (Parse: written through a pointer; Build: a pointer)
  TypeObj, // a type object
};

struct Expect {
  Need N;
  bool Out = false; // Parse: the argument points to where the unit writes.
  unsigned Bits = 0;
  std::string CType;  // The C type, as messages name it.
  std::string Struct; // Need::Struct: the typedef name.
  std::string Phrase; // "writes an 'int'", "takes a type object first", ...
  bool Length = false;
};

struct Unit {
  std::string Text;
  std::vector<Expect> Args;
};

struct ParsedFormat {
  std::vector<Unit> Units;
  unsigned Params = 0; // Parse: top-level units (Python arguments).
  const Unit *FirstLength = nullptr;
};

enum class LengthMode { Ssize, Int, Missing, Unknown };

/// Sizes of the C types on the target.
struct Sizes {
  unsigned Char, Short, Int, Long, LongLong, SizeT, Float, Double;
  explicit Sizes(const ASTContext &Ctx)
      : Char(Ctx.getTypeSize(Ctx.CharTy)), Short(Ctx.getTypeSize(Ctx.ShortTy)),
        Int(Ctx.getTypeSize(Ctx.IntTy)), Long(Ctx.getTypeSize(Ctx.LongTy)),
        LongLong(Ctx.getTypeSize(Ctx.LongLongTy)),
        SizeT(Ctx.getTypeSize(Ctx.getSizeType())),
        Float(Ctx.getTypeSize(Ctx.FloatTy)),
        Double(Ctx.getTypeSize(Ctx.DoubleTy)) {}
};

std::string quoted(llvm::StringRef S) { return "'" + S.str() + "'"; }

/// Reads formats into units. Returns nullopt for a unit it does not know.
class FormatReader {
public:
  FormatReader(const Sizes &Z, Style S, LengthMode L) : Z(Z), S(S), L(L) {}

  std::optional<ParsedFormat> read(llvm::StringRef F) {
    switch (S) {
    case Style::Parse:
      return parse(F);
    case Style::Build:
      return build(F);
    case Style::Printf:
      return printf(F);
    }
    return std::nullopt;
  }

private:
  const Sizes &Z;
  Style S;
  LengthMode L;

  Expect scalar(Need N, unsigned Bits, llvm::StringRef CType) {
    Expect E;
    E.N = N;
    E.Bits = Bits;
    E.CType = CType.str();
    E.Out = S == Style::Parse;
    E.Phrase = (E.Out ? "writes " : "takes ") + withArticle(quoted(CType));
    return E;
  }
  Expect text() {
    Expect E = scalar(Need::Text, 0, "const char *");
    return E;
  }
  Expect object() { return scalar(Need::Object, 0, "PyObject *"); }
  Expect structure(llvm::StringRef Name) {
    Expect E = scalar(Need::Struct, 0, Name);
    E.Struct = Name.str();
    if (E.Out)
      E.Phrase = "fills " + withArticle(quoted(Name));
    else
      E.Phrase = "takes " + withArticle(quoted(Name.str() + " *"));
    return E;
  }
  Expect anyPointer(llvm::StringRef What) {
    Expect E = scalar(Need::AnyPtr, 0, What);
    E.Out = false;
    E.Phrase = "takes " + What.str();
    return E;
  }
  Expect converter() {
    Expect E = scalar(Need::Func, 0, "");
    E.Out = false;
    E.Phrase = "takes a converter function first";
    return E;
  }
  std::optional<Expect> length() {
    Expect E;
    if (L == LengthMode::Ssize)
      E = scalar(Need::Int, Z.SizeT, "Py_ssize_t");
    else if (L == LengthMode::Int)
      E = scalar(Need::Int, Z.Int, "int");
    else
      return std::nullopt;
    E.Length = true;
    E.Phrase = (E.Out ? "writes its length as " : "takes its length as ") +
               withArticle(quoted(E.CType));
    return E;
  }
  /// A length argument: judged when its type is known, else only counted.
  Expect lengthOrAny() {
    if (std::optional<Expect> E = length())
      return *E;
    Expect E = anyPointer("a length");
    E.N = S == Style::Parse ? Need::AnyPtr : Need::Int;
    E.Bits = 0; // Any integer.
    E.Length = true;
    return E;
  }

  std::optional<ParsedFormat> parse(llvm::StringRef F) {
    ParsedFormat P;
    int Depth = 0;
    for (size_t I = 0; I < F.size(); ++I) {
      char C = F[I];
      char Next = I + 1 < F.size() ? F[I + 1] : '\0';
      if (C == ':' || C == ';')
        break;
      if (C == '|' || C == '$' || C == ' ')
        continue;
      if (C == '(') {
        if (Depth++ == 0)
          ++P.Params;
        continue;
      }
      if (C == ')') {
        if (--Depth < 0)
          return std::nullopt;
        continue;
      }
      if (Depth == 0)
        ++P.Params;
      Unit U;
      U.Text = std::string(1, C);
      auto Suffix = [&](char S) {
        if (Next != S)
          return false;
        U.Text += S;
        ++I;
        return true;
      };
      switch (C) {
      case 'b':
      case 'B':
        U.Args.push_back(scalar(Need::Int, Z.Char, "unsigned char"));
        break;
      case 'h':
        U.Args.push_back(scalar(Need::Int, Z.Short, "short"));
        break;
      case 'H':
        U.Args.push_back(scalar(Need::Int, Z.Short, "unsigned short"));
        break;
      case 'i':
      case 'C':
      case 'p':
        U.Args.push_back(scalar(Need::Int, Z.Int, "int"));
        break;
      case 'I':
        U.Args.push_back(scalar(Need::Int, Z.Int, "unsigned int"));
        break;
      case 'l':
        U.Args.push_back(scalar(Need::Int, Z.Long, "long"));
        break;
      case 'k':
        U.Args.push_back(scalar(Need::Int, Z.Long, "unsigned long"));
        break;
      case 'L':
        U.Args.push_back(scalar(Need::Int, Z.LongLong, "long long"));
        break;
      case 'K':
        U.Args.push_back(scalar(Need::Int, Z.LongLong, "unsigned long long"));
        break;
      case 'n':
        U.Args.push_back(scalar(Need::Int, Z.SizeT, "Py_ssize_t"));
        break;
      case 'c':
        U.Args.push_back(scalar(Need::Int, Z.Char, "char"));
        break;
      case 'f':
        U.Args.push_back(scalar(Need::Float, Z.Float, "float"));
        break;
      case 'd':
        U.Args.push_back(scalar(Need::Float, Z.Double, "double"));
        break;
      case 'D':
        U.Args.push_back(structure("Py_complex"));
        break;
      case 'S':
      case 'Y':
      case 'U':
        U.Args.push_back(object());
        break;
      case 'O':
        if (Suffix('!')) {
          Expect T = scalar(Need::TypeObj, 0, "PyTypeObject *");
          T.Out = false;
          T.Phrase = "takes a type object ('PyTypeObject *') first";
          U.Args.push_back(T);
        } else if (Suffix('&')) {
          U.Args.push_back(converter());
          U.Args.push_back(anyPointer("a pointer for its converter"));
          break;
        }
        U.Args.push_back(object());
        break;
      case 's':
      case 'z':
      case 'y':
        if (Suffix('*')) {
          U.Args.push_back(structure("Py_buffer"));
        } else if (Suffix('#')) {
          U.Args.push_back(text());
          U.Args.push_back(lengthOrAny());
        } else {
          U.Args.push_back(text());
        }
        break;
      case 'u':
      case 'Z':
        U.Args.push_back(anyPointer("a pointer"));
        if (Suffix('#'))
          U.Args.push_back(lengthOrAny());
        break;
      case 'w':
        if (!Suffix('*'))
          return std::nullopt;
        U.Args.push_back(structure("Py_buffer"));
        break;
      case 'e': {
        if (!Suffix('s') && !Suffix('t'))
          return std::nullopt;
        Expect Enc = scalar(Need::Text, 0, "const char *");
        Enc.Out = false;
        Enc.Phrase = "takes an encoding ('const char *') first";
        U.Args.push_back(Enc);
        Expect Buf = scalar(Need::Text, 0, "char *");
        U.Args.push_back(Buf);
        if (Suffix('#'))
          U.Args.push_back(lengthOrAny());
        break;
      }
      default:
        return std::nullopt;
      }
      P.Units.push_back(U);
    }
    if (Depth != 0)
      return std::nullopt;
    fixFirstLength(P);
    return P;
  }

  // The first unit with a length, for the PY_SSIZE_T_CLEAN message.
  static void fixFirstLength(ParsedFormat &P) {
    P.FirstLength = nullptr;
    for (const Unit &U : P.Units)
      if (U.Text.find('#') != std::string::npos) {
        P.FirstLength = &U;
        break;
      }
  }

  std::optional<ParsedFormat> build(llvm::StringRef F) {
    ParsedFormat P;
    for (size_t I = 0; I < F.size(); ++I) {
      char C = F[I];
      char Next = I + 1 < F.size() ? F[I + 1] : '\0';
      if (llvm::StringRef("()[]{}:, \t").contains(C))
        continue;
      Unit U;
      U.Text = std::string(1, C);
      auto Suffix = [&](char S) {
        if (Next != S)
          return false;
        U.Text += S;
        ++I;
        return true;
      };
      switch (C) {
      case 'b':
      case 'B':
      case 'h':
      case 'H':
      case 'i':
      case 'c':
      case 'C':
        // Promoted to int by the call.
        U.Args.push_back(scalar(Need::Int, Z.Int, "int"));
        break;
      case 'I':
        U.Args.push_back(scalar(Need::Int, Z.Int, "unsigned int"));
        break;
      case 'l':
        U.Args.push_back(scalar(Need::Int, Z.Long, "long"));
        break;
      case 'k':
        U.Args.push_back(scalar(Need::Int, Z.Long, "unsigned long"));
        break;
      case 'L':
        U.Args.push_back(scalar(Need::Int, Z.LongLong, "long long"));
        break;
      case 'K':
        U.Args.push_back(scalar(Need::Int, Z.LongLong, "unsigned long long"));
        break;
      case 'n':
        U.Args.push_back(scalar(Need::Int, Z.SizeT, "Py_ssize_t"));
        break;
      case 'd':
      case 'f':
        // A float is promoted to double by the call.
        U.Args.push_back(scalar(Need::Float, Z.Double, "double"));
        break;
      case 'D':
        U.Args.push_back(structure("Py_complex"));
        break;
      case 'O':
        if (Suffix('&')) {
          U.Args.push_back(converter());
          U.Args.push_back(anyPointer("a pointer for its converter"));
          break;
        }
        [[fallthrough]];
      case 'S':
      case 'N':
        U.Args.push_back(object());
        break;
      case 's':
      case 'z':
      case 'y':
      case 'U':
        U.Args.push_back(text());
        if (Suffix('#'))
          U.Args.push_back(lengthOrAny());
        break;
      case 'u':
        U.Args.push_back(anyPointer("a pointer"));
        if (Suffix('#'))
          U.Args.push_back(lengthOrAny());
        break;
      default:
        return std::nullopt;
      }
      P.Units.push_back(U);
    }
    fixFirstLength(P);
    return P;
  }

  std::optional<ParsedFormat> printf(llvm::StringRef F) {
    ParsedFormat P;
    for (size_t I = 0; I < F.size(); ++I) {
      if (F[I] != '%')
        continue;
      size_t Start = I++;
      if (I < F.size() && F[I] == '%')
        continue;
      Unit U;
      std::vector<Expect> Stars;
      auto Star = [&](const char *What) {
        Expect E = scalar(Need::Int, Z.Int, "int");
        E.Phrase = std::string("takes its ") + What + " as an 'int'";
        Stars.push_back(E);
      };
      while (I < F.size() && (F[I] == '-' || F[I] == '0'))
        ++I;
      if (I < F.size() && F[I] == '*')
        Star("width"), ++I;
      while (I < F.size() && isDigit(F[I]))
        ++I;
      if (I < F.size() && F[I] == '.') {
        ++I;
        if (I < F.size() && F[I] == '*')
          Star("precision"), ++I;
        while (I < F.size() && isDigit(F[I]))
          ++I;
      }
      std::string Len;
      if (F.substr(I).starts_with("ll"))
        Len = "ll", I += 2;
      else if (I < F.size() && llvm::StringRef("lzjt").contains(F[I]))
        Len = std::string(1, F[I++]);
      if (I >= F.size())
        return std::nullopt;
      char C = F[I];
      U.Text = F.substr(Start, I + 1 - Start).str();
      U.Args = Stars;
      bool Signed = C == 'd' || C == 'i';
      switch (C) {
      case 'd':
      case 'i':
      case 'u':
      case 'o':
      case 'x':
      case 'X':
        if (Len.empty())
          U.Args.push_back(
              scalar(Need::Int, Z.Int, Signed ? "int" : "unsigned int"));
        else if (Len == "l")
          U.Args.push_back(
              scalar(Need::Int, Z.Long, Signed ? "long" : "unsigned long"));
        else if (Len == "ll")
          U.Args.push_back(scalar(Need::Int, Z.LongLong,
                                  Signed ? "long long" : "unsigned long long"));
        else if (Len == "z")
          U.Args.push_back(
              scalar(Need::Int, Z.SizeT, Signed ? "Py_ssize_t" : "size_t"));
        else
          return std::nullopt; // intmax_t, ptrdiff_t: not judged.
        break;
      case 'c':
        if (!Len.empty())
          return std::nullopt;
        U.Args.push_back(scalar(Need::Int, Z.Int, "int"));
        break;
      case 'p':
        U.Args.push_back(anyPointer("a pointer"));
        break;
      case 's':
        if (Len == "l") {
          U.Args.push_back(anyPointer("a 'wchar_t *'"));
          break;
        }
        if (!Len.empty())
          return std::nullopt;
        U.Args.push_back(text());
        break;
      case 'U':
      case 'S':
      case 'R':
      case 'A':
      case 'T':
      case 'N':
        if (!Len.empty())
          return std::nullopt;
        U.Args.push_back(object());
        break;
      case 'V':
        U.Args.push_back(object());
        if (Len == "l")
          U.Args.push_back(anyPointer("a 'wchar_t *'"));
        else if (Len.empty())
          U.Args.push_back(text());
        else
          return std::nullopt;
        break;
      default:
        return std::nullopt;
      }
      P.Units.push_back(U);
    }
    return P;
  }
};

//===----------------------------------------------------------------------===//
// Judging an argument's type
//===----------------------------------------------------------------------===//

bool isNull(const Expr *E, ASTContext &Ctx) {
  return E && E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull);
}

bool isCharLike(QualType T) {
  if (const auto *B = T->getAs<BuiltinType>())
    switch (B->getKind()) {
    case BuiltinType::Char_S:
    case BuiltinType::Char_U:
    case BuiltinType::SChar:
    case BuiltinType::UChar:
    case BuiltinType::Char8:
      return true;
    default:
      return false;
    }
  return false;
}

bool recordNamed(QualType T, llvm::StringRef Name) {
  const RecordDecl *RD = T->getAsRecordDecl();
  if (!RD)
    return false;
  if (RD->getIdentifier() && RD->getName() == Name)
    return true;
  if (const TypedefNameDecl *TD = RD->getTypedefNameForAnonDecl())
    if (TD->getName() == Name)
      return true;
  // The typedef of a tagged struct: 'typedef struct bufferinfo Py_buffer'.
  for (QualType S = T; const auto *TT = S->getAs<TypedefType>();) {
    if (TT->getDecl()->getName() == Name)
      return true;
    QualType Next = TT->getDecl()->getUnderlyingType();
    if (Next == S)
      break;
    S = Next;
  }
  return Name == "Py_buffer" && RD->getIdentifier() &&
         RD->getName() == "bufferinfo";
}

/// Whether a value of type T can be what E needs. A type this cannot judge
/// passes. Arg, when given, is the expression (for null constants).
bool fits(const Expect &E, QualType T, const Expr *Arg, ASTContext &Ctx) {
  if (T.isNull() || T->isDependentType())
    return true;
  QualType C = T.getCanonicalType().getUnqualifiedType();
  if (const auto *AT = Ctx.getAsArrayType(C))
    C = Ctx.getPointerType(AT->getElementType());
  bool Null = isNull(Arg, Ctx);
  bool Ptr = C->isPointerType() || C->isBlockPointerType() ||
             C->isObjCObjectPointerType() || C->isNullPtrType();
  QualType Pointee = C->isPointerType() ? C->getPointeeType() : QualType();
  bool Integer =
      C->isIntegralOrUnscopedEnumerationType() || C->isScopedEnumeralType();
  switch (E.N) {
  case Need::Int:
    if (Integer)
      return E.Bits == 0 || Ctx.getTypeSize(C) == E.Bits;
    return !(Ptr || C->isRealFloatingType() || C->isRecordType());
  case Need::Float:
    if (C->isRealFloatingType())
      return Ctx.getTypeSize(C) == E.Bits;
    return !(Ptr || Integer || C->isRecordType());
  case Need::Text:
    if (Null || (Arg && C->isNullPtrType()))
      return true;
    if (!C->isPointerType())
      return false;
    return Pointee->isVoidType() || isCharLike(Pointee.getCanonicalType());
  case Need::Object:
    if (Null || (Arg && C->isNullPtrType()))
      return true;
    if (!C->isPointerType())
      return false;
    return Pointee->isVoidType() || Pointee->isRecordType();
  case Need::AnyPtr:
    if (Ptr || Null)
      return true;
    return Integer && Ctx.getTypeSize(C) == Ctx.getTypeSize(Ctx.VoidPtrTy);
  case Need::Func:
    if (Null)
      return true;
    if (C->isFunctionType())
      return true;
    return C->isPointerType() &&
           (Pointee->isFunctionType() || Pointee->isVoidType());
  case Need::Struct:
    if (Null)
      return true;
    return C->isPointerType() &&
           (Pointee->isVoidType() || recordNamed(Pointee, E.Struct));
  case Need::TypeObj:
    if (Null)
      return true;
    return C->isPointerType() && !Pointee->isPointerType() &&
           !Pointee->isBuiltinType();
  }
  return true;
}

/// Parse: the argument must point to where the unit writes. Returns whether
/// it does; PointsTo says whether the message talks of the pointee.
bool fitsOut(const Expect &E, QualType T, const Expr *Arg, ASTContext &Ctx,
             bool &PointsTo) {
  PointsTo = false;
  if (T.isNull() || T->isDependentType() || isNull(Arg, Ctx))
    return true;
  QualType C = T.getCanonicalType();
  if (!C->isPointerType())
    return false;
  QualType P = C->getPointeeType();
  PointsTo = true;
  if (P->isVoidType() || P->isDependentType() ||
      (P->isIncompleteType() && !P->isArrayType()))
    return true;
  if (E.N == Need::Struct)
    return recordNamed(P, E.Struct);
  Expect Value = E;
  Value.Out = false;
  if (E.N == Need::Text || E.N == Need::Object) {
    // Written: a pointer; arrays do not decay here.
    if (P->isArrayType())
      return false;
    return fits(Value, P, nullptr, Ctx);
  }
  if (E.N == Need::Int && P->isBooleanType())
    return Ctx.getTypeSize(P) == E.Bits;
  return fits(Value, P, nullptr, Ctx);
}

//===----------------------------------------------------------------------===//
// The calls
//===----------------------------------------------------------------------===//

/// The minor version of Python 3 whose headers declare Fn, or -1.
int pythonMinor(const FunctionDecl *Fn, const SourceManager &SM) {
  SourceLocation L = SM.getExpansionLoc(Fn->getCanonicalDecl()->getLocation());
  llvm::StringRef File = SM.getFilename(L);
  size_t At = File.rfind("python3.");
  if (At == llvm::StringRef::npos)
    return -1;
  llvm::StringRef Rest = File.substr(At + 8);
  size_t Digits = 0;
  while (Digits < Rest.size() && isDigit(Rest[Digits]))
    ++Digits;
  unsigned Minor;
  if (Digits == 0 || Rest.substr(0, Digits).getAsInteger(10, Minor))
    return -1;
  return Minor;
}

std::string shortFormat(llvm::StringRef F) {
  std::string Out;
  for (char C : F.take_front(40)) {
    if (C == '"' || C == '\\')
      Out += '\\';
    if (C == '\n')
      Out += "\\n";
    else
      Out += C;
  }
  if (F.size() > 40)
    Out += "...";
  return "\"" + Out + "\"";
}

std::string plural(unsigned N, llvm::StringRef One, llvm::StringRef Many) {
  return std::to_string(N) + " " + (N == 1 ? One : Many).str();
}

class FormatVisitor : public RecursiveASTVisitor<FormatVisitor> {
public:
  FormatVisitor(ASTContext &Ctx, std::vector<Finding> &Out)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Z(Ctx), Out(Out) {}

  bool TraverseDecl(Decl *D) {
    return outsideMainFile(SM, D) || RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *FD = CE->getDirectCallee();
    if (!FD || !FD->getIdentifier() || !FD->isVariadic() ||
        CE->isValueDependent() || CE->isTypeDependent() || CE->containsErrors())
      return true;
    llvm::StringRef Name = FD->getName();
    bool Clean = false;
    if (Name.starts_with("_") && Name.ends_with("_SizeT")) {
      Name = Name.drop_front().drop_back(6);
      Clean = true;
    }
    for (const Family &F : Families)
      if (F.Name == Name)
        checkCall(CE, FD, F, Clean);
    return true;
  }

private:
  ASTContext &Ctx;
  const SourceManager &SM;
  Sizes Z;
  std::vector<Finding> &Out;

  void report(SourceLocation L, std::string Msg) {
    Out.push_back(Finding{FindingKind::CPythonFormatMismatch,
                          SM.getFileLoc(L),
                          std::move(Msg),
                          {}});
  }

  LengthMode lengthMode(const FunctionDecl *FD, Style S, bool Clean) {
    if (Clean)
      return LengthMode::Ssize;
    int Minor = pythonMinor(FD, SM);
    if (Minor < 0)
      return LengthMode::Unknown;
    if (Minor >= 13)
      return LengthMode::Ssize;
    if (S == Style::Parse && Minor >= 10)
      return LengthMode::Missing;
    return LengthMode::Int;
  }

  void checkCall(const CallExpr *CE, const FunctionDecl *FD, const Family &F,
                 bool Clean) {
    if (CE->getNumArgs() <= F.FormatIndex)
      return;
    const Expr *FormatArg = CE->getArg(F.FormatIndex);
    const auto *Lit = dyn_cast<StringLiteral>(FormatArg->IgnoreParenCasts());
    if (!Lit || Lit->getCharByteWidth() != 1)
      return;
    llvm::StringRef Format = Lit->getString();
    Format = Format.take_front(Format.find('\0'));
    LengthMode LM = lengthMode(FD, F.S, Clean);
    std::optional<ParsedFormat> P = FormatReader(Z, F.S, LM).read(Format);
    if (!P)
      return;
    std::string Callee = quoted(F.Name);
    if (LM == LengthMode::Missing && P->FirstLength)
      report(FormatArg->getBeginLoc(),
             "format unit " + quoted(P->FirstLength->Text) + " of " + Callee +
                 " needs PY_SSIZE_T_CLEAN defined before Python.h is "
                 "included; without it, Python 3.10 to 3.12 raise "
                 "SystemError on every call");

    // The variadic arguments follow the declared parameters.
    unsigned First = FD->getNumParams();
    if (First > CE->getNumArgs())
      return;
    unsigned Given = CE->getNumArgs() - First;
    unsigned Wanted = 0;
    for (const Unit &U : P->Units)
      Wanted += U.Args.size();
    std::string Counts;
    if (Given != Wanted) {
      Counts = "; the format " + shortFormat(Format) + " takes " +
               plural(Wanted, "argument", "arguments") + " after it, but " +
               std::to_string(Given) + (Given == 1 ? " is" : " are") + " given";
    }

    unsigned ArgIndex = First;
    for (const Unit &U : P->Units) {
      for (const Expect &E : U.Args) {
        std::string Head =
            (F.S == Style::Printf ? "conversion " : "format unit ") +
            quoted(U.Text) + " (argument " + std::to_string(ArgIndex + 1) +
            " of " + Callee + ")";
        if (ArgIndex >= CE->getNumArgs()) {
          report(CE->getRParenLoc(), Head + " has no argument" + Counts);
          return;
        }
        const Expr *Arg = CE->getArg(ArgIndex++);
        if (Arg->isTypeDependent() || Arg->containsErrors())
          return;
        QualType T = Arg->getType();
        bool PointsTo = false;
        bool Ok =
            E.Out ? fitsOut(E, T, Arg, Ctx, PointsTo) : fits(E, T, Arg, Ctx);
        if (Ok)
          continue;
        std::string Text = exprText(Arg, Ctx);
        std::string Who = Text.empty() ? "it" : quoted(Text);
        PrintingPolicy PP(Ctx.getLangOpts());
        std::string Given;
        if (PointsTo)
          Given = Who + " points to " +
                  withArticle(quoted(T->getPointeeType().getAsString(PP)));
        else
          Given = Who + " is " + withArticle(quoted(T.getAsString(PP)));
        if (E.Out && !PointsTo)
          Given += ", not a pointer";
        report(Arg->getBeginLoc(),
               Head + " " + E.Phrase + ", but " + Given + Counts);
        return;
      }
    }
    if (Given > Wanted) {
      const Expr *Extra = CE->getArg(ArgIndex);
      std::string Text = exprText(Extra, Ctx);
      report(Extra->getBeginLoc(),
             "argument " + std::to_string(ArgIndex + 1) + " of " + Callee +
                 (Text.empty() ? "" : " (" + quoted(Text) + ")") +
                 " has no format unit" + Counts);
      return;
    }
    if (F.KwlistIndex >= 0 && unsigned(F.KwlistIndex) < CE->getNumArgs())
      checkKeywords(CE->getArg(F.KwlistIndex), *P, Format, Callee);
  }

  /// The names of a keyword list written as an array initialized in place
  /// ('static char *kwlist[] = {"a", "b", NULL}').
  void checkKeywords(const Expr *Arg, const ParsedFormat &P,
                     llvm::StringRef Format, const std::string &Callee) {
    const auto *DRE = dyn_cast<DeclRefExpr>(Arg->IgnoreParenCasts());
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (!VD || !VD->getType()->isArrayType())
      return;
    const VarDecl *Def = VD->getDefinition();
    if (!Def)
      Def = VD;
    const auto *IL = dyn_cast_or_null<InitListExpr>(Def->getInit());
    if (!IL)
      return;
    std::vector<llvm::StringRef> Names;
    bool Ended = false;
    for (const Expr *E : IL->inits()) {
      if (isNull(E, Ctx)) {
        Ended = true;
        break;
      }
      const auto *S = dyn_cast<StringLiteral>(E->IgnoreParenCasts());
      if (!S || S->getCharByteWidth() != 1)
        return;
      Names.push_back(S->getString());
    }
    std::string List = quoted(VD->getName());
    // A shorter array is filled with null pointers.
    if (!Ended) {
      const auto *CAT = Ctx.getAsConstantArrayType(Def->getType());
      if (CAT && CAT->getSize().ugt(IL->getNumInits()))
        Ended = true;
    }
    SourceLocation L = Arg->getBeginLoc();
    if (!Ended) {
      report(L, "keyword list " + List + " of " + Callee +
                    " does not end with NULL; CPython reads past its end");
      return;
    }
    if (Names.size() != P.Params) {
      report(L, "keyword list " + List + " has " +
                    plural(Names.size(), "name", "names") +
                    ", but the format " + shortFormat(Format) + " of " +
                    Callee + " has " +
                    plural(P.Params, "argument", "arguments") +
                    "; every call fails with SystemError");
      return;
    }
    bool Named = false;
    for (llvm::StringRef N : Names) {
      if (!N.empty()) {
        Named = true;
      } else if (Named) {
        report(L, "keyword list " + List + " of " + Callee +
                      " has an empty name after a named one; only the "
                      "leading names may be empty (positional-only), every "
                      "call fails with SystemError");
        return;
      }
    }
  }
};

} // namespace

void pyapi::checkFormats(ASTContext &Ctx, std::vector<Finding> &Out) {
  FormatVisitor V(Ctx, Out);
  V.TraverseDecl(Ctx.getTranslationUnitDecl());
}
