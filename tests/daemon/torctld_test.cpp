// torctld end to end: a real torctld process over a real Tor it launched (offline), spoken
// to in TC, byte for byte where it matters (a blocking socket and the TC codec) and through
// the client library's TC side elsewhere.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "client/run_sync.hpp"
#include "daemon/tc_socket.hpp"
#include "daemon/torctld_process.hpp"
#include "torctl/auth/cookie.hpp"
#include "torctl/auth/password.hpp"
#include "torctl/client/connection.hpp"
#include "torctl/tc/message.hpp"

namespace torctl {
namespace {

using namespace std::chrono_literals;
using testing::error_code_of;
using testing::tc_socket;
using testing::torctld_process;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class Torctld : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  void start(torctld_process::options o = {}) {
    std::string error;
    d_ = torctld_process::start(o, error);
    ASSERT_NE(d_, nullptr) << error;
  }
  // A controller through the client library, over TC.
  client::outcome<client::connection> open(client::connect_options o = {}) {
    o.protocol = client::protocol::tc;
    o.endpoints = {client::endpoint::tcp("127.0.0.1", static_cast<std::uint16_t>(d_->port()))};
    return testing::run_sync(io_, client::connection::open(io_.get_executor(), std::move(o)));
  }
  std::vector<client::config_entry> conf(client::connection& c, std::vector<std::string> keys) {
    return testing::must(testing::run_sync(io_, c.get_conf(std::move(keys))));
  }

  std::unique_ptr<torctld_process> d_;
  asio::io_context io_;
};

TEST_F(Torctld, NothingButAuthenticateBeforeAuthenticating) {
  tc_socket s(d_->port());
  ASSERT_TRUE(s.connected());
  s.send(tc::saveconf_message{});
  EXPECT_EQ(error_code_of(s.read()), 0x0007);
  s.send_raw(0x0003, "SocksPort\n");
  EXPECT_EQ(error_code_of(s.read()), 0x0007);
  s.authenticate();  // neither option set: local users are trusted
  s.send_raw(0x0003, "SocksPort\n");
  EXPECT_EQ(s.read(), (std::pair<int, std::string>{0x0004, "SocksPort 0\n"}));
}

TEST_F(Torctld, SetconfAppliesAllOrNothingWithTheSpecsMeaning) {
  auto c = testing::must(open());
  testing::must(testing::run_sync(
      io_, c.set_conf({{"SocksPolicy", "accept 127.0.0.1"}, {"SocksPolicy", "reject *"}})));
  EXPECT_EQ(conf(c, {"SocksPolicy"}),
            (std::vector<client::config_entry>{{"SocksPolicy", "accept 127.0.0.1"},
                                               {"SocksPolicy", "reject *"}}));
  // A value for a key replaces all its values.
  testing::must(testing::run_sync(io_, c.set_conf({{"SocksPolicy", "accept 10.0.0.1"}})));
  EXPECT_EQ(conf(c, {"SocksPolicy"}).size(), 1u);
  // A key alone restores its default.
  testing::must(testing::run_sync(io_, c.set_conf({{"SocksPolicy", std::nullopt}})));
  EXPECT_EQ(conf(c, {"SocksPolicy"}),
            (std::vector<client::config_entry>{{"SocksPolicy", std::nullopt}}));

  // Unknown key, bad value: the error, and nothing changed (not even the good part).
  testing::must(testing::run_sync(io_, c.set_conf({{"ContactInfo", "before"}})));
  auto unknown = testing::run_sync(io_, c.set_conf({{"ContactInfo", "after"}, {"NoSuchKey", "1"}}));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().tc_code, 0x0004);
  auto bad = testing::run_sync(io_, c.set_conf({{"ContactInfo", "after"}, {"SocksPort", "nope"}}));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().tc_code, 0x0005);
  EXPECT_EQ(conf(c, {"ContactInfo"}).front().value, "before");
  // torctld's own link options are not for controllers.
  auto managed = testing::run_sync(io_, c.set_conf({{"ControlPort", "9999"}}));
  ASSERT_FALSE(managed.has_value());
  EXPECT_EQ(managed.error().tc_code, 0x0005);
}

TEST_F(Torctld, GetconfVersionGroupsAndUnknownKeys) {
  auto c = testing::must(open());
  const auto version = conf(c, {"version"});
  ASSERT_EQ(version.size(), 1u);
  EXPECT_EQ(version.front().value->substr(0, 4), "0.4.");
  const std::string dir = d_->directory() + "/hs";
  testing::must(testing::run_sync(
      io_, c.set_conf({{"HiddenServiceDir", dir}, {"HiddenServicePort", "80 127.0.0.1:8080"}})));
  const auto group = conf(c, {"HiddenServiceOptions"});
  ASSERT_EQ(group.size(), 2u);
  EXPECT_EQ(group[0], (client::config_entry{"HiddenServiceDir", dir}));
  EXPECT_EQ(group[1].key, "HiddenServicePort");

  tc_socket s(d_->port());
  s.authenticate();
  const std::string long_key(60000, 'k');
  s.send_raw(0x0003, "SocksPort\n" + long_key + "\n");
  const auto refused = s.read();
  EXPECT_EQ(error_code_of(refused), 0x0004);
  EXPECT_NE(refused.second.find("kkkk"), std::string::npos) << "the error names the key";
  s.send_raw(0x0003, "SocksPort\n");
  EXPECT_EQ(s.read().first, 0x0004) << "still in step after a 60 KB key";
}

TEST_F(Torctld, SaveconfPersistsAcrossARestartWithoutTorctldsOwnOptions) {
  const std::string dir = d_->directory();
  {
    auto c = testing::must(open());
    testing::must(testing::run_sync(io_, c.set_conf({{"ContactInfo", "kept by SAVECONF"}})));
    testing::must(testing::run_sync(io_, c.save_conf()));
  }
  const std::string torrc = read_file(dir + "/data/torrc");
  EXPECT_NE(torrc.find("ContactInfo kept by SAVECONF"), std::string::npos) << torrc;
  for (const char* own : {"ControlPort", "__OwningControllerProcess", "DataDirectory"}) {
    EXPECT_EQ(torrc.find(own), std::string::npos) << own << " in the saved torrc:\n" << torrc;
  }
  ASSERT_EQ(d_->stop(SIGTERM, 20000), 0) << d_->output();
  struct remove_at_end {
    std::string path;
    ~remove_at_end() { std::filesystem::remove_all(path); }
  } cleanup{dir};
  d_->keep_directory();
  d_.reset();
  torctld_process::options again;
  again.directory = dir;
  start(again);
  auto c = testing::must(open());
  EXPECT_EQ(conf(c, {"ContactInfo"}).front().value, "kept by SAVECONF");
  d_.reset();  // before the directory goes
}

TEST_F(Torctld, AnAuthenticationChangeTakesEffectAndAFailureClosesTheConnection) {
  const std::string cookie_path = d_->directory() + "/data/control_auth_cookie";
  {
    auto c = testing::must(open());
    testing::must(testing::run_sync(io_, c.set_conf({{"CookieAuthentication", "1"}})));
    EXPECT_EQ(conf(c, {"CookieAuthentication"}).front().value, "1");
  }
  {
    tc_socket s(d_->port());  // the empty credential is no longer enough
    s.send(tc::authenticate_message{});
    s.send_raw(0x0002, "ContactInfo should-never-be-set\n");  // must not run
    EXPECT_EQ(error_code_of(s.read()), 0x0008);
    EXPECT_TRUE(s.closed_by_peer()) << "the connection stays open after a failed AUTHENTICATE";
  }
  auto cookie = auth::read_cookie_file(cookie_path);
  ASSERT_TRUE(cookie.has_value()) << cookie.error().message;
  client::connect_options with_cookie;
  with_cookie.auth.cookie_file = cookie_path;
  auto c = testing::must(open(std::move(with_cookie)));
  EXPECT_NE(conf(c, {"ContactInfo"}).front().value, "should-never-be-set");

  // A password instead of the cookie.
  auto hash = auth::hash_password("open sesame");
  ASSERT_TRUE(hash.has_value());
  testing::must(testing::run_sync(
      io_, c.set_conf({{"CookieAuthentication", "0"}, {"HashedControlPassword", *hash}})));
  client::connect_options with_password;
  with_password.auth.password = auth::secret(std::string_view("open sesame"));
  EXPECT_TRUE(open(std::move(with_password)).has_value());
  client::connect_options wrong;
  wrong.auth.password = auth::secret(std::string_view("closed sesame"));
  auto refused = open(std::move(wrong));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().tc_code, 0x0008);
  auto bad = testing::run_sync(io_, c.set_conf({{"HashedControlPassword", "not a hash"}}));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().tc_code, 0x0005);
}

TEST_F(Torctld, SignalsInBothSpellingsAndMappings) {
  tc_socket s(d_->port());
  s.authenticate();
  for (const char code : {'\x01', '\x10', '\x12', '\x0A', '\x0C'}) {
    s.send_raw(0x0009, std::string(1, code));
    EXPECT_EQ(s.read().first, 0x0001) << "signal " << static_cast<int>(code);
  }
  s.send_raw(0x0009, "\x33");
  EXPECT_EQ(error_code_of(s.read()), 0x0006);

  auto c = testing::must(open());
  const auto v4 = testing::must(testing::run_sync(io_, c.map_address("0.0.0.0", "example.com")));
  EXPECT_EQ(v4.from.substr(0, 4), "127.") << v4.from;
  const auto v6 = testing::must(testing::run_sync(io_, c.map_address("::", "example.org")));
  EXPECT_NE(v6.from, "::") << "Tor chose an IPv6 address";
  const auto host = testing::must(testing::run_sync(io_, c.map_address(".", "127.0.0.1")));
  EXPECT_NE(host.from.find(".virtual"), std::string::npos) << host.from;
  testing::must(testing::run_sync(io_, c.map_address("1.2.3.4", "a.example")));
  auto all = testing::must(testing::run_sync(io_, c.get_mappings()));
  const auto has = [&](const std::string& from) {
    return std::any_of(all.begin(), all.end(), [&](const auto& m) { return m.from == from; });
  };
  EXPECT_TRUE(has(v4.from) && has(v6.from) && has(host.from) && has("1.2.3.4"));
  testing::must(testing::run_sync(io_, c.map_address("1.2.3.4", "1.2.3.4")));
  all = testing::must(testing::run_sync(io_, c.get_mappings()));
  EXPECT_FALSE(has("1.2.3.4")) << "mapping an address to itself removes its mapping";
}

TEST_F(Torctld, TypesAndEventCodesThatAreNotRequests) {
  tc_socket s(d_->port());
  s.authenticate();
  s.send_raw(0x0005, std::string("\x00\x01\x00\x03", 4));  // quiet offline: no BW, no logs
  EXPECT_EQ(s.read().first, 0x0001);
  s.send_raw(0x0005, std::string("\x00\x09", 2));
  EXPECT_EQ(error_code_of(s.read()), 0x0006);
  s.send_raw(0x0004, "SocksPort 1\n");  // CONFVALUE: a server's message
  EXPECT_EQ(error_code_of(s.read()), 0x0002);
  s.send_raw(0x00F0, "");
  EXPECT_EQ(error_code_of(s.read()), 0x0002);
  s.send_raw(0x0009, "");  // SIGNAL without its octet
  EXPECT_EQ(error_code_of(s.read()), 0x0003);
}

TEST_F(Torctld, HttpAndTextClientsAreAnsweredAndClosed) {
  {
    tc_socket s(d_->port());
    s.send_bytes("GET /?x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(s.rest().substr(0, 12), "HTTP/1.0 501");
  }
  {
    tc_socket s(d_->port());
    s.send_bytes("PROTOCOLINFO 1\r\n");
    EXPECT_EQ(s.rest().substr(0, 4), "510 ");
  }
}

TEST_F(Torctld, ManyPipeliningControllersEachGetTheirOwnRepliesInOrder) {
  constexpr int controllers = 100;
  constexpr int each = 1000;
  const std::array<std::string, 3> keys = {"SocksPort", "ContactInfo", "Nickname"};
  std::vector<client::connection> cs;
  for (int i = 0; i < controllers; ++i) cs.push_back(testing::must(open()));
  int done = 0, wrong = 0;
  for (int i = 0; i < controllers; ++i) {
    for (int j = 0; j < each; ++j) {
      const std::string& key = keys[static_cast<std::size_t>((i + j) % 3)];
      cs[static_cast<std::size_t>(i)].async_get_conf(
          {key}, [&done, &wrong, key](client::outcome<std::vector<client::config_entry>> r) {
            ++done;
            if (!r || r->size() != 1 || r->front().key != key) {
              if (wrong++ < 5) {
                ADD_FAILURE() << "asked " << key << ", got "
                              << (r ? (r->empty() ? "nothing" : r->front().key)
                                    : r.error().message);
              }
            }
          });
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  while (done < controllers * each && std::chrono::steady_clock::now() < deadline) {
    io_.run_one_for(50ms);
  }
  EXPECT_EQ(done, controllers * each);
  EXPECT_EQ(wrong, 0);
}

TEST_F(Torctld, SigtermStopsTorctldAndItsTor) {
  const auto status = d_->stop(SIGTERM, 20000);
  ASSERT_TRUE(status.has_value()) << "torctld did not exit on SIGTERM";
  EXPECT_EQ(*status, 0) << d_->output();
}

TEST_F(Torctld, TorctldEndsWhenItsTorEnds) {
  tc_socket s(d_->port());
  s.authenticate();
  s.send_raw(0x0009, "\x15");  // HALT: Tor exits at once
  const auto status = d_->wait_exit(30000);
  ASSERT_TRUE(status.has_value()) << "torctld outlived its Tor";
  EXPECT_EQ(*status, 0) << d_->output();
}

// The README's way of talking to torctld: examples/tc_getconf.
TEST_F(Torctld, TheTcGetconfExampleTalksToIt) {
  const std::string command = std::string(TORCTL_TC_GETCONF) +
                              " 127.0.0.1:" + std::to_string(d_->port()) + " version SocksPort";
  FILE* p = ::popen(command.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, p) != nullptr) out += buffer;
  EXPECT_EQ(::pclose(p), 0) << out;
  EXPECT_EQ(out.substr(0, 12), "version 0.4.") << out;
  EXPECT_NE(out.find("\nSocksPort 0\n"), std::string::npos) << out;
}

TEST(TorctldStartup, FailuresPrintOneClearLineAndExitNonZero) {
  std::string output;
  torctld_process::options o;
  EXPECT_NE(torctld_process::run_to_exit(o, {"--tor", "/nonexistent/tor"}, output), 0);
  EXPECT_NE(output.find("cannot run /nonexistent/tor"), std::string::npos) << output;

  o.torrc_lines.push_back("NoSuchOption 1");
  EXPECT_NE(torctld_process::run_to_exit(o, {}, output), 0);
  EXPECT_NE(output.find("NoSuchOption"), std::string::npos) << output;
  EXPECT_NE(output.find("torctld: "), std::string::npos) << output;
}

TEST(TorctldStartup, APortInUseIsNamed) {
  std::string error;
  auto first = torctld_process::start({}, error);
  ASSERT_NE(first, nullptr) << error;
  std::string output;
  const int status = torctld_process::run_to_exit(
      {}, {"--listen", "127.0.0.1:" + std::to_string(first->port())}, output);
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("lready in use"), std::string::npos) << output;
}

}  // namespace
}  // namespace torctl
