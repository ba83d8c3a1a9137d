// Helpers shared by the model's unit tests (model_test): error-message checks and temporary
// directories.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace ternac::test {

// Expects a call to throw std::invalid_argument whose message contains every one of `words`.
template <typename F>
void expect_error(F&& f, const std::vector<std::string>& words) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one mentioning '" << words.front() << "'";
  } catch (const std::invalid_argument& e) {
    for (const std::string& w : words) {
      EXPECT_NE(std::string(e.what()).find(w), std::string::npos)
          << "message '" << e.what() << "' lacks '" << w << "'";
    }
  }
}

// A fresh directory under the system's temporary directory, removed at the end unless the test
// failed (then kept, and its path printed, for inspection).
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "ternac_test") {
    std::string templ = (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX")).string();
    if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + templ);
    path_ = templ;
  }
  ~TempDir() {
    if (::testing::Test::HasFailure()) {
      std::printf("keeping %s for inspection\n", path_.c_str());
    } else {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string operator/(const std::string& name) const { return file(name); }

 private:
  std::filesystem::path path_;
};

}  // namespace ternac::test
