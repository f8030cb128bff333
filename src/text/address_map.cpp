#include "torctl/text/address_map.hpp"

#include "torctl/text/arguments.hpp"

namespace torctl::text {

result<std::vector<mapaddress_entry>, std::string_view> parse_mapaddress(const reply& r) {
  std::vector<mapaddress_entry> out;
  out.reserve(r.lines.size());
  for (const reply_line& line : r.lines) {
    mapaddress_entry& entry = out.emplace_back();
    entry.status = line.status;
    if (line.status != 250) {
      entry.error = line.text;
      continue;
    }
    const std::size_t equals = line.text.find('=');
    if (equals == std::string::npos) {
      return failure{std::string_view("MAPADDRESS answer line has no '='")};
    }
    entry.from = line.text.substr(0, equals);
    entry.to = line.text.substr(equals + 1);
  }
  return out;
}

namespace {

result<address_mapping, std::string_view> parse_mapping_line(std::string_view line,
                                                             bool has_expiry) {
  argument_reader args(line);
  const auto from = args.next();
  const auto to = args.next();
  if (!from || !to || from->value.empty()) {
    return failure{std::string_view("address mapping line lacks its two addresses")};
  }
  address_mapping out{std::string(from->value), std::string(to->value), std::nullopt};
  if (has_expiry) {
    const auto expiry = args.next();
    if (!expiry || expiry->value.empty()) {
      return failure{std::string_view("address mapping line lacks its expiry")};
    }
    if (expiry->quoted || expiry->value != "NEVER") out.expires = expiry->decoded();
  }
  if (args.failed()) return failure{std::string_view("address mapping has a bad quoted string")};
  return out;
}

}  // namespace

result<std::vector<address_mapping>, std::string_view> parse_address_mappings(
    std::string_view value, bool has_expiry) {
  std::vector<address_mapping> out;
  while (!value.empty()) {
    const std::size_t end = value.find('\n');
    std::string_view line = value.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    value = end == std::string_view::npos ? std::string_view() : value.substr(end + 1);
    if (line.empty()) continue;
    auto mapping = parse_mapping_line(line, has_expiry);
    if (!mapping) return failure{mapping.error()};
    out.push_back(std::move(*mapping));
  }
  return out;
}

}  // namespace torctl::text
