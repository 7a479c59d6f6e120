# docs/diagnostics.md is the one place a diagnostic code is described: this
# reads its tables (`| P0010 | meaning | ...` and `| [P0101](#p0101) |
# severity | meaning |`) into a C++ table, so SARIF's rule descriptions
# never drift from the docs. Re-run when the docs change.
function(play_diagnostic_codes doc out)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${doc})
  # A CMake list splits on ';' (but not inside [...]): hide the docs' own semicolons and brackets first.
  file(READ ${doc} text)
  string(REPLACE ";" "<semicolon>" text "${text}")
  string(REPLACE "[" "<lb>" text "${text}")
  string(REPLACE "]" "<rb>" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(body "// Generated from docs/diagnostics.md by cmake/diagnostic_codes.cmake: do not edit.\n")
  foreach(line IN LISTS lines)
    # | [P0101](#p0101) | error | meaning |, | <a id="p0950"></a>P0950 | error | meaning | fix |,
    # | <a id="p0010"></a>P0010 | meaning | example | fix |
    if(line MATCHES "^\\| <lb>(P[0-9]+)<rb>\\(#[a-z0-9]+\\) \\| [a-z]+ \\| ([^|]*) \\|")
      set(code ${CMAKE_MATCH_1})
      set(meaning ${CMAKE_MATCH_2})
    elseif(line MATCHES "^\\| (<a id=\"p[0-9]+\"></a>)?(P[0-9]+) \\| (error|warning) \\| ([^|]*) \\|")
      set(code ${CMAKE_MATCH_2})
      set(meaning ${CMAKE_MATCH_4})
    elseif(line MATCHES "^\\| (<a id=\"p[0-9]+\"></a>)?(P[0-9]+) \\| ([^|]*) \\|")
      set(code ${CMAKE_MATCH_2})
      set(meaning ${CMAKE_MATCH_3})
    else()
      continue()
    endif()
    string(STRIP "${meaning}" meaning)
    string(REPLACE "<semicolon>" ";" meaning "${meaning}")
    string(REPLACE "<lb>" "[" meaning "${meaning}")
    string(REPLACE "<rb>" "]" meaning "${meaning}")
    string(REPLACE "\\" "\\\\" meaning "${meaning}")
    string(REPLACE "\"" "\\\"" meaning "${meaning}")
    string(APPEND body "{\"${code}\", \"${meaning}\"},\n")
  endforeach()
  file(WRITE ${out}.tmp "${body}")
  file(COPY_FILE ${out}.tmp ${out} ONLY_IF_DIFFERENT)
endfunction()
