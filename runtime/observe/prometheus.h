// The Prometheus text format's metric header, shared by every /metrics
// contributor (observe's own metrics, ingestion's counters).
#pragma once

#include <string>

namespace play::observe {

// "# HELP name help\n# TYPE name type\n"
inline void append_metric_header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace play::observe
