#include "compiler/diag/codes.h"

#include <utility>

namespace play {

namespace {

const std::pair<std::string_view, std::string_view> kCodes[] = {
#include "diagnostic_codes.inc"
};

}  // namespace

std::string_view diagnostic_meaning(std::string_view code) {
  for (const auto& [c, meaning] : kCodes)
    if (c == code) return meaning;
  return "";
}

}  // namespace play
