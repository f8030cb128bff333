#include "run_record.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "error.hpp"
#include "files.hpp"
#include "torrc.hpp"

namespace torctl::testnet {

namespace {

using json = nlohmann::json;

}  // namespace

const started_node* run_record::find(const std::string& nick) const {
  for (const started_node& s : nodes) {
    if (s.nick == nick) return &s;
  }
  return nullptr;
}

fs::path run_record_path(const network& net) {
  return net.directory / "run.json";
}

run_record load_run_record(const network& net) {
  run_record record;
  const fs::path path = run_record_path(net);
  std::error_code missing;
  if (!fs::exists(path, missing)) return record;
  try {
    const json whole = json::parse(read_text(path));
    for (const json& j : whole.at("nodes")) {
      record.nodes.push_back({j.at("nick").get<std::string>(),
                              {j.at("pid").get<pid_t>(), j.at("start_time").get<std::uint64_t>()}});
    }
  } catch (const json::exception& e) {
    throw error(path.string() + " is malformed: " + e.what());
  }
  return record;
}

void save_run_record(const network& net, const run_record& record) {
  json nodes = json::array();
  for (const started_node& s : record.nodes) {
    nodes.push_back(
        {{"nick", s.nick}, {"pid", s.process.pid}, {"start_time", s.process.start_time}});
  }
  write_text_atomically(run_record_path(net), json{{"nodes", nodes}}.dump(2) + "\n");
}

void remove_run_record(const network& net) {
  std::error_code ignored;
  fs::remove(run_record_path(net), ignored);
}

bool is_node_running(const network& net, const started_node& started) {
  if (!is_running(started.process)) return false;
  const std::string torrc = node_files{net.node_directory(net.find(started.nick))}.torrc().string();
  const std::vector<std::string> args = arguments_of(started.process.pid);
  return std::find(args.begin(), args.end(), torrc) != args.end();
}

}  // namespace torctl::testnet
