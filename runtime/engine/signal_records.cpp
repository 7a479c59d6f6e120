#include "runtime/engine/signal_records.h"

#include "common/text.h"

namespace play::engine {

void fill_envelope(const DecodedSignal& s, vm::EvalContext& ctx) {
  using EF = vm::EnvelopeField;
  ctx.envelope[int(EF::Id)] = vm::Value::string(s.id);
  ctx.envelope[int(EF::Type)] = vm::Value::string(s.type_name);
  ctx.envelope[int(EF::Source)] = s.source.empty() ? vm::Value() : vm::Value::string(s.source);
  ctx.envelope[int(EF::OccurredAt)] = vm::Value::timestamp(s.occurred_at_ms);
  ctx.envelope[int(EF::ReceivedAt)] =
      s.received_at_ms ? vm::Value::timestamp(*s.received_at_ms) : vm::Value();
  ctx.envelope[int(EF::Account)] = s.account.empty() ? vm::Value() : vm::Value::string(s.account);
  ctx.envelope[int(EF::Contact)] = s.contact.empty() ? vm::Value() : vm::Value::string(s.contact);
}

SignalRecords::SignalRecords(const vm::Bundle& bundle)
    : account_domain_slot_(field_slot(bundle.account, "domain")),
      contact_email_slot_(field_slot(bundle.contact, "email")),
      contact_email_domain_slot_(field_slot(bundle.contact, "email_domain")),
      contact_account_slot_(field_slot(bundle.contact, "account")),
      unknown_account_(bundle.account.size()),
      unknown_contact_(bundle.contact.size()) {}

void SignalRecords::find(ContextStore& context, std::string_view contact_email,
                         std::string_view account_domain) {
  contact_key = contact_email;
  contact_known = !contact_email.empty() && context.find(Entity::Contact, contact_email, contact);
  if (!contact_known) {
    std::fill(unknown_contact_.begin(), unknown_contact_.end(), vm::Value());
    if (!contact_email.empty()) {
      if (contact_email_slot_ >= 0) unknown_contact_[contact_email_slot_] = vm::Value::string(contact_email);
      if (contact_email_domain_slot_ >= 0)
        unknown_contact_[contact_email_domain_slot_] = vm::Value::string(email_domain(contact_email));
    }
    contact = unknown_contact_;
  }

  std::string_view key = account_domain;
  if (key.empty() && contact_known && contact_account_slot_ >= 0) {
    const vm::Value& a = contact[contact_account_slot_];
    if (a.kind == vm::Kind::String && a.n > 0) {
      account_key_buf_.assign(a.str());
      ascii_lower_in_place(account_key_buf_.data(), account_key_buf_.size());
      key = account_key_buf_;
    }
  }
  if (key.empty()) key = email_domain(contact_email);
  account_key = key;

  account_known = !key.empty() && context.find(Entity::Account, key, account);
  if (!account_known) {
    std::fill(unknown_account_.begin(), unknown_account_.end(), vm::Value());
    if (!key.empty() && account_domain_slot_ >= 0)
      unknown_account_[account_domain_slot_] = vm::Value::string(key);
    account = unknown_account_;
  }
}

void SignalRecords::apply(vm::EvalContext& ctx) const {
  ctx.contact = contact;
  ctx.contact_known = contact_known;
  ctx.account = account;
  ctx.account_known = account_known;
}

}  // namespace play::engine
