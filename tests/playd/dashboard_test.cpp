// The dashboard's serving (apps/playd/dashboard.h): the embedded files with
// their types and headers, ETag revalidation, 404s, and the login page's
// template, which must escape what the URL brings.
#include "apps/playd/dashboard.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace play::playd {
namespace {

ingest::HttpRequest get(std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
  ingest::HttpRequest r;
  r.method = "GET";
  r.target = target;
  r.path = target.substr(0, target.find('?'));
  r.headers = std::move(headers);
  return r;
}

std::string header(const ingest::HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

TEST(Dashboard, EmbedsItsFiles) {
  std::vector<std::string> names;
  for (const auto& f : dashboard_files()) names.emplace_back(f.name);
  for (std::string want : {"app.css", "app.js", "favicon.svg", "index.html", "login.html"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
}

TEST(Dashboard, PagesAreTheShellWithTheirHeaders) {
  for (std::string page : {"/", "/plays/demo_request", "/dlq", "/review", "/trace?id=evt_1"}) {
    auto r = serve_dashboard(get(page), {});
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_NE(r.body.find("<script src=\"/assets/app.js\" defer></script>"), std::string::npos);
    EXPECT_NE(r.body.find("data-auth=\"open\""), std::string::npos);
    std::string csp = header(r, "Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(header(r, "ETag").empty());
  }
  EXPECT_NE(serve_dashboard(get("/"), {true, nullptr}).body.find("data-auth=\"token\""), std::string::npos);
}

// The shell lists the JSON endpoints playd routes; the script asks for no other.
TEST(Dashboard, TheShellListsTheRoutedEndpoints) {
  EXPECT_NE(
      serve_dashboard(get("/"), {})
          .body.find("data-api=\"/v1/overview /v1/plays /v1/history /v1/alerts /v1/review /v1/decisions\""),
      std::string::npos);
  DashboardOptions some{false,
                        [](std::string_view path) { return path == "/v1/decisions" || path == "/v1/plays"; }};
  EXPECT_NE(serve_dashboard(get("/dlq"), some).body.find("data-api=\"/v1/plays /v1/decisions\""),
            std::string::npos);
  DashboardOptions none{false, [](std::string_view) { return false; }};
  EXPECT_NE(serve_dashboard(get("/"), none).body.find("data-api=\"\""), std::string::npos);
}

TEST(Dashboard, AssetsHaveTheirTypesAndRevalidate) {
  auto js = serve_dashboard(get("/assets/app.js"), {});
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(js, "Cache-Control"), "no-cache");
  EXPECT_EQ(serve_dashboard(get("/assets/app.css"), {}).content_type, "text/css; charset=utf-8");
  EXPECT_EQ(serve_dashboard(get("/assets/favicon.svg"), {}).content_type, "image/svg+xml");
  auto again = serve_dashboard(get("/assets/app.js", {{"if-none-match", header(js, "ETag")}}), {});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(serve_dashboard(get("/assets/app.js", {{"if-none-match", "\"other\""}}), {}).status, 200);
  for (std::string missing :
       {"/assets/nope.js", "/assets/index.html", "/assets/../app.js", "/assets/", "/assets/APP.JS"})
    EXPECT_EQ(serve_dashboard(get(missing), {}).status, 404) << missing;
}

TEST(Dashboard, TheLoginPageEscapesWhatTheUrlBrings) {
  auto r = serve_dashboard(get("/login?next=%2Fdlq%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&failed=1"),
                           {true, nullptr});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(r.body.find("value=\"/dlq&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""), std::string::npos);
  EXPECT_NE(r.body.find("That is not the admin token."), std::string::npos);
  EXPECT_EQ(r.body.find("{{"), std::string::npos);  // every marker filled
  for (std::string away :
       {"https%3A%2F%2Fevil.example", "%2F%2Fevil.example", "%2F%5Cevil.example", "javascript%3Aalert(1)"}) {
    auto page = serve_dashboard(get("/login?next=" + away), {true, nullptr});
    EXPECT_NE(page.body.find("name=\"next\" value=\"/\""), std::string::npos) << away;
  }
  // No token configured: no form, and why.
  auto open = serve_dashboard(get("/login"), {false, nullptr});
  EXPECT_NE(open.body.find("id=\"login\" hidden"), std::string::npos);
  EXPECT_NE(open.body.find("Set server.admin_token"), std::string::npos);
}

}  // namespace
}  // namespace play::playd
