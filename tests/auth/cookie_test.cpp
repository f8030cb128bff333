// Cookie files: atomic, owner-only, exactly 32 octets.
#include "torctl/auth/cookie.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace torctl::auth {
namespace {

namespace fs = std::filesystem;

// A fresh directory for one test, removed afterwards whatever happens.
class CookieFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "torctl-cookie-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const char* name) const { return (dir_ / name).string(); }
  void write_file(const std::string& p, std::string_view content) const {
    std::ofstream(p, std::ios::binary) << content;
  }

  fs::path dir_;
};

TEST_F(CookieFile, CreatedOwnerOnlyAndReadBack) {
  const auto created = create_cookie_file(path("control_auth_cookie"));
  ASSERT_TRUE(created.has_value()) << created.error().message;
  EXPECT_EQ(created->size(), cookie_size);
  struct stat st {};
  ASSERT_EQ(::stat(path("control_auth_cookie").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  const auto read = read_cookie_file(path("control_auth_cookie"));
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_TRUE(*read == *created);
  // Nothing but the cookie is left in the directory: no temporary file.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(CookieFile, ReplacingKeepsTheFileWholeAndChangesTheCookie) {
  const auto first = create_cookie_file(path("cookie"));
  const auto second = create_cookie_file(path("cookie"));
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(*first == *second);
  const auto read = read_cookie_file(path("cookie"));
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(*read == *second);
}

TEST_F(CookieFile, WrongSizesAreRefusedNamingThePath) {
  for (const std::string& content : {std::string(), std::string(31, 'x'), std::string(33, 'x')}) {
    write_file(path("bad"), content);
    const auto read = read_cookie_file(path("bad"));
    ASSERT_FALSE(read.has_value()) << content.size();
    EXPECT_EQ(read.error().code, auth_errc::bad_cookie);
    EXPECT_NE(read.error().message.find(path("bad")), std::string::npos);
    EXPECT_NE(read.error().message.find("32 octets"), std::string::npos);
  }
}

TEST_F(CookieFile, MissingFileAndDirectoryAreRefused) {
  const auto missing = read_cookie_file(path("nope"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, auth_errc::file_error);
  EXPECT_NE(missing.error().message.find("No such file"), std::string::npos);
  EXPECT_NE(missing.error().message.find(path("nope")), std::string::npos);

  const auto directory = read_cookie_file(dir_.string());
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().code, auth_errc::bad_cookie);
}

TEST_F(CookieFile, UnwritableDirectoryLeavesNothingBehind) {
  const auto created = create_cookie_file(path("missing-dir/cookie"));
  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code, auth_errc::file_error);
  EXPECT_NE(created.error().message.find("missing-dir/cookie"), std::string::npos);
}

}  // namespace
}  // namespace torctl::auth
