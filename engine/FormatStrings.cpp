//===- FormatStrings.cpp - Ownership effects of CPython format strings ----===//
//
// Units and the arguments they take follow the C-API documentation of
// Py_BuildValue ("Building values") and PyArg_ParseTuple ("Parsing
// arguments"). Only what matters to ownership gets an effect; every other
// argument is only used.
//
//===----------------------------------------------------------------------===//

#include "FormatStrings.h"

using namespace custody;

namespace {

ArgEffect effect(ArgEffect::KindTy K, const std::string &R, When On) {
  ArgEffect E;
  E.Kind = K;
  E.Resource = R;
  E.On = On;
  return E;
}

} // namespace

std::optional<std::vector<std::optional<ArgEffect>>>
custody::formatEffects(llvm::StringRef F, FormatStyle Style,
                       const std::string &R) {
  std::vector<std::optional<ArgEffect>> Out;
  auto Plain = [&](unsigned N) {
    for (unsigned I = 0; I < N; ++I)
      Out.push_back(std::nullopt);
  };
  auto Next = [&](size_t I) { return I + 1 < F.size() ? F[I + 1] : '\0'; };

  if (Style == FormatStyle::Build) {
    for (size_t I = 0; I < F.size(); ++I) {
      char C = F[I];
      if (llvm::StringRef("()[]{}:, \t").contains(C))
        continue;
      switch (C) {
      case 'N': // Steals the reference, also when building fails.
        Out.push_back(effect(ArgEffect::Consumes, R, When::Always));
        break;
      case 'O':
        if (Next(I) == '&') { // A converter and its argument.
          ++I;
          Plain(2);
          break;
        }
        [[fallthrough]];
      case 'S': // Takes a reference of its own.
        Out.push_back(effect(ArgEffect::Borrows, R, When::Always));
        break;
      case 's':
      case 'z':
      case 'y':
      case 'u':
      case 'U':
        Plain(1);
        if (Next(I) == '#')
          ++I, Plain(1);
        break;
      default:
        if (!llvm::StringRef("ibBhHIlkLKncCdfpD").contains(C))
          return std::nullopt;
        Plain(1);
      }
    }
    return Out;
  }

  // Parse: the outputs are written only when the call succeeds.
  auto Lent = [&] {
    Out.push_back(effect(ArgEffect::Lends, R, When::OnSuccess));
  };
  for (size_t I = 0; I < F.size(); ++I) {
    char C = F[I];
    if (C == ':' || C == ';')
      break; // The function name or error message follows.
    if (llvm::StringRef("|$() \t").contains(C))
      continue;
    switch (C) {
    case 'O':
      if (Next(I) == '!') { // The type, then the object.
        ++I;
        Plain(1);
        Lent();
      } else if (Next(I) == '&') { // A converter and where it writes.
        ++I;
        Plain(2);
      } else {
        Lent();
      }
      break;
    case 'S':
    case 'U':
    case 'Y':
      Lent();
      break;
    case 's':
    case 'z':
    case 'y':
    case 'u':
    case 'Z':
      if (Next(I) == '*')
        ++I, Plain(1);
      else if (Next(I) == '#')
        ++I, Plain(2);
      else
        Plain(1);
      break;
    case 'w':
      if (Next(I) != '*')
        return std::nullopt;
      ++I;
      Plain(1);
      break;
    case 'e': // es, et, es#, et#: the encoding, then the output(s).
      if (Next(I) != 's' && Next(I) != 't')
        return std::nullopt;
      ++I;
      Plain(2);
      if (Next(I) == '#')
        ++I, Plain(1);
      break;
    default:
      if (!llvm::StringRef("bBhHiIlkLKncCfdDp").contains(C))
        return std::nullopt;
      Plain(1);
    }
  }
  return Out;
}
