# Writes OUT: a C++ file holding each DIR/*.{html,js,css,svg} as a byte
# array, for the dashboard served by playd (apps/playd/dashboard.cpp).
# Run as `cmake -DOUT=... -DDIR=... -P embed.cmake` (see ../CMakeLists.txt).
file(GLOB FILES RELATIVE ${DIR} ${DIR}/*.html ${DIR}/*.js ${DIR}/*.css ${DIR}/*.svg)
list(SORT FILES)
set(arrays "")
set(entries "")
set(i 0)
foreach(f ${FILES})
  file(READ ${DIR}/${f} hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # Twenty bytes a line.
  string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){20})" "\\1\n    " bytes "${bytes}")
  string(APPEND arrays "const unsigned char file${i}[] = {\n    ${bytes}0};\n")
  string(APPEND entries "    {\"${f}\", std::string_view(reinterpret_cast<const char*>(file${i}), ${size})},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from apps/playd/dashboard/ by apps/playd/dashboard/embed.cmake. Do not edit.
#include \"apps/playd/dashboard.h\"

namespace play::playd {

namespace {
${arrays}}  // namespace

const std::vector<EmbeddedFile>& dashboard_files() {
  static const std::vector<EmbeddedFile> files = {
${entries}  };
  return files;
}

}  // namespace play::playd
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
