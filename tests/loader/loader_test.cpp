// compiler/loader: sources or one bundle file -> a verified bundle, or why not.
#include "compiler/loader/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runtime/vm/bundle.h"

namespace play::loader {
namespace {

namespace fs = std::filesystem;

class Loader : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("loader_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

const char* kPlay = R"(play pricing {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "pricing"
  do notify(channel: "#sales", text: "pricing")
}
)";

TEST_F(Loader, SourcesCompileWithTheirWarnings) {
  vm::Bundle b;
  Loaded r = load({write("p.play", kPlay)}, b);
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_FALSE(r.from_bundle());
  ASSERT_EQ(b.plays.size(), 1u);
  EXPECT_EQ(b.plays[0].name, "pricing");
  EXPECT_GT(r.diagnostics.warning_count(), 0u);  // no title, oncall or runbook (P0305)
  EXPECT_EQ(r.error_text(), "");
}

TEST_F(Loader, ErrorsAreRenderedWithoutWarnings) {
  vm::Bundle b;
  Loaded r = load({write("bad.play", std::string(kPlay) + "const x = 1 + \"a\"\n")}, b);
  EXPECT_EQ(r.status, Status::Invalid);
  std::string text = r.error_text();
  EXPECT_NE(text.find("error[P0213]"), std::string::npos) << text;
  EXPECT_EQ(text.find("warning"), std::string::npos) << text;
}

TEST_F(Loader, AMissingPathIsUnreadable) {
  vm::Bundle b;
  Loaded r = load({(dir_ / "nope").string()}, b);
  EXPECT_EQ(r.status, Status::Unreadable);
  EXPECT_NE(r.error_text().find("P0001"), std::string::npos) << r.error_text();
}

TEST_F(Loader, ABundleFileIsRecognizedByItsMagicAndVerified) {
  vm::Bundle compiled;
  ASSERT_TRUE(compile({write("p.play", kPlay)}, compiled).ok());
  std::string bytes = vm::write_bundle(compiled);
  std::string path = write("plays.bin", bytes);  // any name: the magic decides
  EXPECT_TRUE(is_bundle_file(path));
  EXPECT_FALSE(is_bundle_file(dir_.string()));
  EXPECT_FALSE(is_bundle_file(dir_ / "p.play"));

  vm::Bundle b;
  Loaded r = load({path}, b);
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_TRUE(r.from_bundle());
  EXPECT_EQ(r.bundle_path, path);
  EXPECT_EQ(vm::write_bundle(b), bytes);

  Loaded bad = load({write("cut.bin", bytes.substr(0, bytes.size() / 2))}, b);
  EXPECT_EQ(bad.status, Status::Invalid);
  EXPECT_EQ(bad.error_text().rfind((dir_ / "cut.bin").string() + ": ", 0), 0u) << bad.error_text();
}

}  // namespace
}  // namespace play::loader
