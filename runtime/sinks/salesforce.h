// Salesforce's REST API sink (kind = "salesforce"): a `task` action (args
// subject, owner: a Salesforce user's email, due: a duration from now,
// default 1d) becomes a Task sObject. Each attempt:
//   1. an access token by the OAuth 2.0 client-credentials flow (POST
//      BASE/services/oauth2/token, form-encoded grant_type, client_id,
//      client_secret), cached per sink; REST calls go to the answer's
//      instance_url. A 401 from a REST call fetches a new token once and
//      repeats that call; a 400/401/403 from the token endpoint is the DLQ
//      ("credentials rejected by Salesforce: Salesforce token: 400 {...}");
//   2. OwnerId: SELECT Id FROM User WHERE Email = OWNER AND IsActive = true
//      (cached per sink); none -> the DLQ ("owner not found");
//   3. WhoId: a Contact by the action's contact email, else a Lead (not
//      converted); none -> no WhoId. WhatId: an Account whose Website is the
//      action's account domain or a subdomain of it (salesforce_account_soql),
//      only with a Contact WhoId or none (Salesforce refuses a WhatId beside a
//      Lead);
//   4. PATCH /sobjects/Task/KEY_FIELD/KEY: an upsert on the custom External ID
//      field holding the action's idempotency key -- a retry after a crash
//      between Salesforce's 2xx and playd's record updates the same Task
//      instead of creating a second one.
// Every query is GET INSTANCE/services/data/VERSION/query?q=SOQL.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace play::sinks {

// A SOQL string literal, quoted: 'O\'Brien' (backslash, quotes and control
// characters escaped). `like`: also escapes LIKE's wildcards _ and %.
std::string soql_literal(std::string_view s, bool like = false);
// SELECT Id FROM OBJECT WHERE FIELD = 'VALUE'[ AND EXTRA] LIMIT 1
std::string salesforce_lookup_soql(const std::string& object, const std::string& field,
                                   const std::string& value, const std::string& extra = "");
// The Account for a domain: Website is the domain, or has it as its host or
// a subdomain's suffix, with or without a scheme or a path (bigco.com,
// https://www.bigco.com/, bigco.com/about; not notbigco.com); the oldest.
std::string salesforce_account_soql(const std::string& domain);
// INSTANCE/services/data/VERSION/query?q=SOQL (url-escaped).
std::string salesforce_query_url(const std::string& instance, const std::string& version,
                                 const std::string& soql);
// INSTANCE/services/data/VERSION/sobjects/Task/KEY_FIELD/KEY (url-escaped).
std::string salesforce_upsert_url(const std::string& instance, const std::string& version,
                                  const std::string& key_field, const std::string& key);
// YYYY-MM-DD (UTC) of Unix milliseconds.
std::string salesforce_date(int64_t ms);
// The upsert's body: Subject (at most 255 bytes), ActivityDate, Status "Not
// Started", Priority "Normal", and OwnerId / WhoId / WhatId when not "".
// Never the External ID field: it is in the URL (Salesforce refuses both).
std::string salesforce_task_body(const std::string& subject, const std::string& activity_date,
                                 const std::string& owner_id, const std::string& who_id,
                                 const std::string& what_id);
// The first record's Id of a query answer ("" when none).
std::string salesforce_first_id(const std::string& body);
// An error answer's [{"errorCode","message","fields"}] as "CODE: message
// (fields: A, B); ..." ("" when the body is not such an array).
std::string salesforce_errors(const std::string& body);

}  // namespace play::sinks
