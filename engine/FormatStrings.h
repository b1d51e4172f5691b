//===- FormatStrings.h - Ownership effects of CPython format strings -*- C++
//-*-//
//
// Py_BuildValue-style formats say, unit by unit, what happens to the
// variadic arguments: "N" steals a reference, "O" and "S" take one of their
// own. PyArg_ParseTuple-style formats write borrowed references through the
// pointers of their "O", "O!", "S", "U" and "Y" units. Contracts name the
// format argument ('format:' in docs/contracts.md); this reads the literal.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_ENGINE_FORMATSTRINGS_H
#define CUSTODY_ENGINE_FORMATSTRINGS_H

#include "Contract.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <vector>

namespace custody {

/// The effect on each variadic argument, in order (nullopt: only used), or
/// nullopt when the format holds a unit this reader does not know.
std::optional<std::vector<std::optional<ArgEffect>>>
formatEffects(llvm::StringRef Format, FormatStyle Style,
              const std::string &Resource);

} // namespace custody

#endif
