// What a signal puts before the VM besides its properties: its envelope
// fields, and its account and contact records, found the one way plays see
// them (the engine for every play; `playc eval --context` for one expression).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine/context.h"
#include "runtime/engine/signal.h"
#include "runtime/vm/vm.h"

namespace play::engine {

// ctx.envelope from the signal (absent source/account/contact/received_at are null).
void fill_envelope(const DecodedSignal& s, vm::EvalContext& ctx);

// The records of a signal. The contact is the record of its email; the
// account is the signal's domain, else the contact record's `account`,
// else the email's domain. An unknown record reads as its key alone (an
// unknown contact still has `email` and `email_domain`, an unknown account
// its `domain`), with `known` false.
class SignalRecords {
 public:
  explicit SignalRecords(const vm::Bundle& bundle);
  // Finds the records of a signal with these keys (either may be ""). The
  // spans stay valid until `context` is next modified or find() is called
  // again.
  void find(ContextStore& context, std::string_view contact_email, std::string_view account_domain);
  // Into ctx.account / contact / account_known / contact_known.
  void apply(vm::EvalContext& ctx) const;

  std::span<const vm::Value> account, contact;
  bool account_known = false, contact_known = false;
  std::string_view account_key, contact_key;  // the keys found: the ledger's per-account/contact keys

 private:
  int account_domain_slot_ = -1, contact_email_slot_ = -1, contact_email_domain_slot_ = -1;
  int contact_account_slot_ = -1;
  std::vector<vm::Value> unknown_account_, unknown_contact_;  // key-only views of unknown records
  std::string account_key_buf_;  // when the account comes from the contact record (may change on upsert)
};

}  // namespace play::engine
