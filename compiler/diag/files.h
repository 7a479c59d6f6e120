// Finding and reading .play files: a path that is a directory means every
// *.play below it (recursively, sorted so runs are deterministic); a file path
// is taken as given.
#pragma once

#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"

namespace play {

// Expands `paths` into file paths. Unreadable or missing paths are reported
// as P0001 errors; returns false if any was.
bool expand_play_paths(const std::vector<std::string>& paths, std::vector<std::string>& files,
                       Diagnostics& diags);

// Reads a whole file; false (and `error` set) on I/O failure.
bool read_file(const std::string& path, std::string& contents, std::string& error);

// Writes a file atomically (temporary file in the same directory, then rename).
bool write_file_atomic(const std::string& path, const std::string& contents, std::string& error);

}  // namespace play
