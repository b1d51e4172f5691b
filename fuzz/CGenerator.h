//===- CGenerator.h - Fuzzer bytes to a small C translation unit -*- C++ -*-===//
//
// The analysis fuzzer does not hand raw bytes to the compiler: nearly all of
// them would stop at the first syntax error and never reach the analysis.
// Instead the bytes choose, one decision at a time, the statements of a few
// C functions that acquire, release, alias, hand over and return resources
// of the libc contract and of a small contract of out-parameters,
// consumption and borrowed handles (fuzz/fuzzlib.yaml), inside branches,
// loops, switches and gotos. Earlier functions are called by later ones, so
// summaries are exercised too. A rare decision splices input bytes into the
// source verbatim, so code with errors is reached as well.
//
// The same bytes always give the same source; when the bytes run out every
// decision reads 0, which closes the open blocks.
//
//===----------------------------------------------------------------------===//

#ifndef CUSTODY_FUZZ_CGENERATOR_H
#define CUSTODY_FUZZ_CGENERATOR_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace custody {
namespace fuzz {

/// The headers the generated source includes, as (path, contents): declared
/// here rather than taken from the system so that a run does not depend on
/// the machine and parses in microseconds.
const std::vector<std::pair<std::string, std::string>> &generatorHeaders();

/// The folder of generatorHeaders(), to pass as -I.
const char *generatorIncludeDir();

/// A C translation unit (gnu11) built from Data.
std::string generateC(const uint8_t *Data, size_t Size);

} // namespace fuzz
} // namespace custody

#endif
