# Writes OUT: a C++ file holding every DIR/*.play as a raw string literal.
# Run as `cmake -DOUT=... -DDIR=... -P embed_stdlib.cmake` (see CMakeLists.txt).
file(GLOB files RELATIVE ${DIR} ${DIR}/*.play)
list(SORT files)
set(body "")
foreach(f ${files})
  file(READ ${DIR}/${f} text)
  string(FIND "${text}" ")play_stdlib\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "stdlib/${f} contains the raw-string delimiter )play_stdlib\"")
  endif()
  string(APPEND body "    {\"stdlib/${f}\", R\"play_stdlib(${text})play_stdlib\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from stdlib/*.play by compiler/sema/embed_stdlib.cmake. Do not edit.
#include \"compiler/sema/stdlib.h\"

namespace play::sema {

const std::vector<StdlibFile>& stdlib_files() {
  static const std::vector<StdlibFile> files = {
${body}  };
  return files;
}

}  // namespace play::sema
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
