//===- CGenerator.cpp - Fuzzer bytes to a small C translation unit --------===//

#include "CGenerator.h"
#include <initializer_list>

using namespace custody::fuzz;

namespace {

const char *const IncludeDir = "/custody-fuzz/include";

/// Each function of the generated file has these locals, initialized to
/// NULL unless the bytes say otherwise, and these parameters.
const char *const Heap[] = {"m0", "m1", "m2"};
const char *const Files[] = {"f0", "f1"};
const char *const Handles[] = {"h0", "h1"};
const char *const Params = "int a, int b, char *s, fz_handle *ph";

class Generator {
public:
  Generator(const uint8_t *Data, size_t Size) : Data(Data), Size(Size) {}

  std::string run() {
    Out = "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
          "#include <fuzzlib.h>\n\n"
          "struct holder { char *p; fz_handle *h; };\n"
          "struct holder g_holder;\n"
          "char *g_keep;\n";
    unsigned NumFunctions = 1 + pick(MaxFunctions);
    for (unsigned I = 0; I < NumFunctions; ++I)
      function(I, I + 1 == NumFunctions);
    return Out;
  }

private:
  static constexpr unsigned MaxFunctions = 4;
  static constexpr unsigned MaxStatements = 250; // Per translation unit.
  static constexpr unsigned MaxDepth = 7;
  static constexpr unsigned MaxCondDepth = 3;
  /// Statements in a row that do not branch, before an 'if' is put in to
  /// end the basic block. Each contracted call forks a path in two, and
  /// within one block the analysis does not bound that yet: 18 unchecked
  /// allocations in a row take 20 s and 2 GB
  /// (test/driver/straight-line-forks.test). Without this cap nearly every
  /// fuzzing run stops at that one known problem; raise it when it is fixed.
  static constexpr unsigned MaxStraight = 8;
  enum class Ret { Ptr, Int, Void };
  struct Callable {
    std::string Name;
    Ret R;
  };

  const uint8_t *Data;
  size_t Size;
  size_t Pos = 0;
  std::string Out;
  unsigned Statements = 0;
  std::vector<Callable> Defined;
  // The function being generated.
  Ret CurRet = Ret::Int;
  unsigned Loops = 0, Breakables = 0, Labels = 0, Temps = 0;
  unsigned Straight = 0; // Statements since the last branch.
  std::vector<std::string> TempsInScope;

  uint8_t byte() { return Pos < Size ? Data[Pos++] : 0; }
  unsigned pick(unsigned N) { return byte() % N; }
  bool exhausted() const {
    return Pos >= Size || Statements >= MaxStatements;
  }
  std::string num() { return std::to_string(pick(64)); }
  /// Concatenation in order: the parts of a braced list are evaluated left
  /// to right, the operands of '+' in no fixed order, and each part may read
  /// bytes.
  static std::string cat(std::initializer_list<std::string> Parts) {
    std::string S;
    for (const std::string &P : Parts)
      S += P;
    return S;
  }

  void line(unsigned Depth, const std::string &S) {
    Out.append(2 * (Depth + 1), ' ');
    Out += S;
    Out += '\n';
  }

  std::string heapVar() {
    unsigned N = 3 + TempsInScope.size();
    unsigned K = pick(N + 1);
    if (K < 3)
      return Heap[K];
    if (K < N)
      return TempsInScope[K - 3];
    return "s"; // The parameter: not ours.
  }
  std::string fileVar() { return Files[pick(2)]; }
  std::string handleVar() {
    unsigned K = pick(5);
    return K < 4 ? Handles[K % 2] : "ph";
  }

  std::string call(const Callable &C) {
    return cat({C.Name, "(a, b, ", heapVar(), ", ", handleVar(), ")"});
  }

  std::string acquireHeap() {
    switch (pick(7)) {
    case 0:
      return "malloc(" + num() + ")";
    case 1:
      return "calloc(1, " + num() + ")";
    case 2:
      return "strdup(\"x\")";
    case 3:
      return "strdup(" + heapVar() + ")";
    case 4:
      return cat({"realloc(", heapVar(), ", ", num(), ")"});
    case 5:
      for (const Callable &C : Defined)
        if (C.R == Ret::Ptr && pick(2))
          return call(C);
      return "malloc(1)";
    default:
      return "(char *)fz_peek()"; // Borrowed, of another type.
    }
  }

  std::string cond(unsigned Depth = 0) {
    unsigned N = Depth < MaxCondDepth ? 18 : 14;
    switch (pick(N)) {
    case 0:
      return "a > " + num();
    case 1:
      return "!" + heapVar();
    case 2:
      return heapVar() + " == NULL";
    case 3:
      return heapVar() + " != NULL";
    case 4:
      return fileVar();
    case 5:
      return "b & " + num();
    case 6:
      return cat({"(", heapVar(), " = ", acquireHeap(), ") != NULL"});
    case 7:
      return "fz_open(\"n\", &" + handleVar() + ") == 0";
    case 8:
      return "fz_submit(" + handleVar() + ") != 0";
    case 9:
      return "a == " + num();
    case 10:
      return "(" + fileVar() + " = fopen(\"p\", \"r\"))";
    case 11:
      for (const Callable &C : Defined)
        if (C.R == Ret::Int && pick(2))
          return call(C) + " == 0";
      return "b";
    case 12:
      return "s && *s";
    case 13:
      return handleVar();
    case 14:
      return cat({cond(Depth + 1), " && ", cond(Depth + 1)});
    case 15:
      return cat({cond(Depth + 1), " || ", cond(Depth + 1)});
    case 16:
      return "!(" + cond(Depth + 1) + ")";
    default:
      return cat({"(", cond(Depth + 1), ") ? ", cond(Depth + 1), " : ",
                  cond(Depth + 1)});
    }
  }

  std::string returnStmt() {
    switch (CurRet) {
    case Ret::Void:
      return "return;";
    case Ret::Int: {
      const char *V[] = {"0", "-1", "a"};
      return std::string("return ") + V[pick(3)] + ";";
    }
    case Ret::Ptr:
      switch (pick(3)) {
      case 0:
        return "return NULL;";
      case 1:
        return "return " + acquireHeap() + ";";
      default:
        return "return " + heapVar() + ";";
      }
    }
    return "return;";
  }

  /// Statements until a 0 decision (or the end of the bytes) closes the
  /// block.
  void block(unsigned Depth) {
    size_t Scope = TempsInScope.size();
    while (!exhausted()) {
      if (!statement(Depth))
        break;
    }
    TempsInScope.resize(Scope);
  }

  /// Whether statement Op ends the basic block (it holds a branch).
  static bool branches(unsigned Op) {
    switch (Op) {
    case 5: case 6: case 7: case 8: case 9: case 17: case 18: case 28:
    case 33: case 34: case 38:
      return true;
    default:
      return false;
    }
  }

  void nested(unsigned Depth, const std::string &Head,
              const std::string &Tail = "}") {
    line(Depth, Head + " {");
    if (Depth + 1 < MaxDepth)
      block(Depth + 1);
    line(Depth, Tail);
  }

  /// One statement; false closes the current block.
  bool statement(unsigned Depth) {
    ++Statements;
    unsigned Op = pick(40);
    // A branching statement's body, and what follows it, start new blocks.
    if (branches(Op)) {
      Straight = 0;
    } else if (Op != 0 && ++Straight > MaxStraight) {
      line(Depth, "if (b) {}");
      Straight = 1;
    }
    generate(Op, Depth);
    if (branches(Op))
      Straight = 0;
    return Op != 0;
  }

  void generate(unsigned Op, unsigned Depth) {
    switch (Op) {
    case 0:
      break;
    case 1:
      line(Depth, cat({heapVar(), " = ", acquireHeap(), ";"}));
      break;
    case 2:
      line(Depth, "free(" + heapVar() + ");");
      break;
    case 3:
      line(Depth, fileVar() + " = fopen(\"p\", \"r\");");
      break;
    case 4:
      line(Depth, "fclose(" + fileVar() + ");");
      break;
    case 5:
      nested(Depth, "if (" + cond() + ")");
      break;
    case 6:
      nested(Depth, "if (" + cond() + ")", "} else {");
      if (Depth + 1 < MaxDepth)
        block(Depth + 1);
      line(Depth, "}");
      break;
    case 7:
      ++Loops, ++Breakables;
      nested(Depth, "while (" + cond() + ")");
      --Loops, --Breakables;
      break;
    case 8:
      ++Loops, ++Breakables;
      nested(Depth, "for (int i = 0; i < a; ++i)");
      --Loops, --Breakables;
      break;
    case 9:
      ++Loops, ++Breakables;
      nested(Depth, "do", "} while (" + cond() + ");");
      --Loops, --Breakables;
      break;
    case 10:
      line(Depth, Breakables ? "break;" : ";");
      break;
    case 11:
      line(Depth, Loops ? "continue;" : ";");
      break;
    case 12:
      line(Depth, returnStmt());
      break;
    case 13:
      line(Depth, "goto out;");
      break;
    case 14:
      line(Depth, cat({heapVar(), " = ", heapVar(), ";"}));
      break;
    case 15:
      line(Depth, "sink(" + heapVar() + ");");
      break;
    case 16: {
      // The realloc idiom with its temporary.
      std::string V = heapVar();
      line(Depth, "{");
      line(Depth + 1, "char *nb = realloc(" + V + ", " + num() + ");");
      if (pick(2))
        nested(Depth + 1, "if (!nb)");
      line(Depth + 1, V + " = nb;");
      line(Depth, "}");
      break;
    }
    case 17:
      ++Breakables;
      line(Depth, "switch (a) {");
      for (unsigned K = 0, N = 1 + pick(3); K < N; ++K) {
        line(Depth, K + 1 == N && pick(2) ? "default: {"
                                          : "case " + std::to_string(K) +
                                                ": {");
        if (Depth + 1 < MaxDepth)
          block(Depth + 1);
        line(Depth, pick(2) ? "} break;" : "}");
      }
      line(Depth, "}");
      --Breakables;
      break;
    case 18:
      line(Depth, "if (fz_open(\"n\", &" + handleVar() + ") != 0)");
      line(Depth + 1, pick(2) ? returnStmt() : "goto out;");
      break;
    case 19:
      line(Depth, "fz_close(" + handleVar() + ");");
      break;
    case 20:
      line(Depth, "fz_use(" + handleVar() + ");");
      break;
    case 21:
      if (pick(2)) {
        line(Depth, "fz_submit(" + handleVar() + ");");
      } else {
        std::string H = handleVar();
        line(Depth, "if (fz_submit(" + H + ") != 0)");
        line(Depth + 1, "fz_close(" + H + ");");
      }
      break;
    case 22:
      line(Depth, handleVar() + " = fz_peek();");
      break;
    case 23:
      line(Depth, "fz_ref(" + handleVar() + ");");
      break;
    case 24:
      switch (pick(3)) {
      case 0:
        line(Depth, "g_holder.p = " + heapVar() + ";");
        break;
      case 1:
        line(Depth, "g_holder.h = " + handleVar() + ";");
        break;
      default:
        line(Depth, "g_keep = " + heapVar() + ";");
      }
      break;
    case 25:
      line(Depth, heapVar() + "[0] = 'x';");
      break;
    case 26: {
      std::string T = "t" + std::to_string(Temps++);
      line(Depth, "{");
      line(Depth + 1, "char *" + T + " = " + acquireHeap() + ";");
      TempsInScope.push_back(T);
      if (Depth + 1 < MaxDepth)
        block(Depth + 1);
      TempsInScope.pop_back();
      line(Depth, "}");
      break;
    }
    case 27:
      line(Depth, heapVar() + " = NULL;");
      break;
    case 28: {
      std::string V = heapVar();
      line(Depth, "if (" + V + ")");
      line(Depth + 1, "free(" + V + ");");
      break;
    }
    case 29:
      line(Depth, cat({heapVar(), " = ", cond(), " ? ", acquireHeap(),
                       " : NULL;"}));
      break;
    case 30:
      if (!Defined.empty())
        line(Depth, call(Defined[pick(Defined.size())]) + ";");
      break;
    case 31:
      if (!Defined.empty()) {
        const Callable &C = Defined[pick(Defined.size())];
        if (C.R == Ret::Ptr)
          line(Depth, cat({heapVar(), " = ", call(C), ";"}));
        else if (C.R == Ret::Int)
          line(Depth, "if (" + call(C) + " != 0) goto out;");
      }
      break;
    case 32:
      line(Depth, cat({"fputs(", heapVar(), ", ", fileVar(), ");"}));
      break;
    case 33:
      line(Depth, "if (asprintf(&" + heapVar() + ", \"%d\", a) < 0)");
      line(Depth + 1, returnStmt());
      break;
    case 34:
      line(Depth, "if (posix_memalign((void **)&" + heapVar() +
                      ", 16, 32) != 0)");
      line(Depth + 1, "goto out;");
      break;
    case 35: {
      // Verbatim input, as printable characters: code with errors.
      std::string Raw;
      for (unsigned K = 0, N = pick(12); K < N; ++K)
        Raw += char(0x20 + byte() % 0x5f);
      line(Depth, Raw + ";");
      break;
    }
    case 36:
      nested(Depth, "");
      break;
    case 37:
      line(Depth, "l" + std::to_string(Labels++) + ": ;");
      break;
    case 38:
      if (Labels)
        line(Depth, cat({"if (", cond(), ") goto l",
                         std::to_string(pick(Labels)), ";"}));
      break;
    default:
      line(Depth, cat({pick(2) ? "*" : "", heapVar(), ";"}));
      break;
    }
  }

  void function(unsigned Index, bool Last) {
    Ret R = Ret(pick(3));
    std::string Name = "gen" + std::to_string(Index);
    const char *Type = R == Ret::Ptr ? "char *" : R == Ret::Int ? "int " : "void ";
    Out += "\n";
    Out += Last ? "" : "static ";
    Out += Type + Name + "(" + Params + ") {\n";
    CurRet = R;
    Loops = Breakables = Labels = 0;
    TempsInScope.clear();
    const char *Init = pick(4) ? " = NULL" : "";
    line(0, std::string("char *m0") + Init + ", *m1" + Init + ", *m2" + Init +
                ";");
    line(0, std::string("FILE *f0") + Init + ", *f1" + Init + ";");
    line(0, std::string("fz_handle *h0") + Init + ", *h1" + Init + ";");
    block(0);
    Out += "out:\n";
    // What the cleanup releases is chosen too: a missing release is a leak
    // to find, a second one a double release.
    for (const char *V : Heap)
      if (pick(2))
        line(0, std::string("free(") + V + ");");
    for (const char *V : Files)
      if (pick(2))
        line(0, std::string("if (") + V + ") fclose(" + V + ");");
    for (const char *V : Handles)
      if (pick(2))
        line(0, std::string("if (") + V + ") fz_close(" + V + ");");
    line(0, returnStmt());
    Out += "}\n";
    Defined.push_back({Name, R});
  }
};

} // namespace

const std::vector<std::pair<std::string, std::string>> &
custody::fuzz::generatorHeaders() {
  static const std::vector<std::pair<std::string, std::string>> Headers = {
      {"stdlib.h", "typedef unsigned long size_t;\n"
                   "#define NULL ((void *)0)\n"
                   "void *malloc(size_t n);\n"
                   "void *calloc(size_t n, size_t size);\n"
                   "void *realloc(void *p, size_t n);\n"
                   "void free(void *p);\n"
                   "int posix_memalign(void **p, size_t align, size_t n);\n"},
      {"string.h", "typedef unsigned long size_t;\n"
                   "char *strdup(const char *s);\n"
                   "size_t strlen(const char *s);\n"},
      {"stdio.h", "typedef struct _IO_FILE FILE;\n"
                  "FILE *fopen(const char *path, const char *mode);\n"
                  "int fclose(FILE *f);\n"
                  "int fputs(const char *s, FILE *f);\n"
                  "int asprintf(char **out, const char *fmt, ...);\n"},
      // fuzz/fuzzlib.yaml is its contract. sink() has none: an unknown
      // function.
      {"fuzzlib.h", "typedef struct fz_handle fz_handle;\n"
                    "int fz_open(const char *name, fz_handle **out);\n"
                    "void fz_close(fz_handle *h);\n"
                    "fz_handle *fz_peek(void);\n"
                    "int fz_submit(fz_handle *h);\n"
                    "void fz_ref(fz_handle *h);\n"
                    "void fz_use(fz_handle *h);\n"
                    "void sink(void *p);\n"},
  };
  return Headers;
}

const char *custody::fuzz::generatorIncludeDir() { return IncludeDir; }

std::string custody::fuzz::generateC(const uint8_t *Data, size_t Size) {
  return Generator(Data, Size).run();
}
