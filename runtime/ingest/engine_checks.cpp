#include "runtime/ingest/engine_checks.h"

#include <simdjson.h>

#include "common/json/json.h"
#include "runtime/engine/context.h"
#include "runtime/engine/json_value.h"
#include "runtime/engine/signal.h"

namespace play::ingest {

namespace {

// One decoder per thread and play set: decoders are not thread-safe, and
// building one per signal would cost more than the decoding. Keyed by the
// set's generation (a reloaded set may reuse a freed bundle's address), and
// holding the set so its bundle outlives the decoder.
struct ThreadDecoder {
  std::shared_ptr<const engine::PlaySet> set;
  std::unique_ptr<engine::SignalDecoder> decoder;
  engine::DecodedSignal out;
};

engine::SignalDecoder& decoder_for(const engine::LivePlays& plays, engine::DecodedSignal*& out) {
  thread_local ThreadDecoder td;
  auto set = plays.current();
  if (!td.set || td.set->generation != set->generation) {
    td.decoder = std::make_unique<engine::SignalDecoder>(*set->bundle);
    td.set = std::move(set);
  }
  out = &td.out;
  return *td.decoder;
}

bool check_fields(const vm::Bundle& bundle, store::Entity entity, std::string_view fields_json, bool strict,
                  std::string& out_json, std::vector<std::string>& dropped, std::string& error) {
  thread_local simdjson::dom::parser parser;
  auto doc = parser.parse(fields_json.data(), fields_json.size(), true);
  if (doc.error() || !doc.value_unsafe().is_object()) {
    error = "fields must be a JSON object";
    return false;
  }
  const bool account = entity == store::Entity::Account;
  const auto& schema = account ? bundle.account : bundle.contact;
  const char* entity_name = account ? "account" : "contact";
  const char* key_name = account ? "domain" : "email";
  vm::Arena arena(1024);
  out_json.clear();
  json::Writer w(out_json);
  w.begin_object();
  // Name the object first: a range-for over a member of a temporary result dangles.
  simdjson::dom::object fields = doc.value_unsafe().get_object().value_unsafe();
  for (auto field : fields) {
    std::string name(field.key);
    // The key comes from the path (or the call) and the email's domain is
    // derived: neither is set through fields.
    if (name == key_name || name == "email_domain") {
      dropped.push_back(name);
      continue;
    }
    int slot = engine::field_slot(schema, name);
    std::string why;
    if (slot < 0) {
      why = "unknown field '" + name + "' (not declared on entity " + entity_name + ")";
    } else {
      vm::Value v;
      if (!engine::json_to_value(field.value, schema[size_t(slot)].type, arena, v, why))
        why = "field '" + name + "' " + why;
    }
    if (!why.empty()) {
      if (strict) {
        error = why;
        return false;
      }
      dropped.push_back(name);
      continue;
    }
    w.key(name).raw(simdjson::minify(field.value));
  }
  w.end_object();
  return true;
}

}  // namespace

void add_engine_checks(IngestServices& services, std::shared_ptr<const engine::LivePlays> plays) {
  services.validate_signal = [plays](std::string_view envelope, std::string& error) {
    engine::DecodedSignal* out = nullptr;
    engine::SignalDecoder& decoder = decoder_for(*plays, out);
    return decoder.decode(envelope, *out, error);
  };
  services.is_signal_type = [plays](std::string_view type) {
    engine::DecodedSignal* out = nullptr;
    return decoder_for(*plays, out).find_type(type) >= 0;
  };
  services.check_context = [plays](store::Entity entity, std::string_view fields_json, bool strict,
                                   std::string& out_json, std::vector<std::string>& dropped,
                                   std::string& error) {
    return check_fields(*plays->current()->bundle, entity, fields_json, strict, out_json, dropped, error);
  };
}

}  // namespace play::ingest
