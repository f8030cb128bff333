// tc_getconf: asks a TC control port (torctld's) for configuration values, with the
// client library's blocking facade.
//
//   tc_getconf HOST:PORT [--cookie FILE] KEY...
//
// For example, with torctld running from scripts/run.sh:
//   build/release/examples/tc_getconf 127.0.0.1:9051 SocksPort version
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "torctl/client/blocking.hpp"

namespace client = torctl::client;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: tc_getconf HOST:PORT [--cookie FILE] KEY...\n");
    return 2;
  }
  auto where = client::parse_endpoint(argv[1]);
  if (!where) {
    std::fprintf(stderr, "tc_getconf: %s\n", where.error().message.c_str());
    return 2;
  }
  client::connect_options options;
  options.protocol = client::protocol::tc;
  options.endpoints = {*where};
  std::vector<std::string> keys;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--cookie") == 0 && i + 1 < argc) {
      options.auth.cookie_file = argv[++i];
    } else {
      keys.emplace_back(argv[i]);
    }
  }
  auto c = client::blocking_connection::open(std::move(options));
  if (!c) {
    std::fprintf(stderr, "tc_getconf: %s\n", c.error().message.c_str());
    return 1;
  }
  auto values = c->get_conf(std::move(keys));
  if (!values) {
    std::fprintf(stderr, "tc_getconf: %s\n", values.error().message.c_str());
    return 1;
  }
  for (const client::config_entry& e : *values) {
    std::printf("%s%s%s\n", e.key.c_str(), e.value ? " " : "", e.value ? e.value->c_str() : "");
  }
  return 0;
}
