#include "http_fetch.hpp"

#include <array>
#include <cstdint>

#include "error.hpp"

namespace torctl::testnet {

namespace {

constexpr std::size_t receive_chunk = 64 * 1024;

}  // namespace

http_response http_get(tcp_socket& connection, const std::string& path,
                       clock::time_point deadline) {
  connection.send_all("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", deadline);
  std::string whole;
  std::array<std::uint8_t, receive_chunk> chunk{};
  for (std::size_t got; (got = connection.receive_some(chunk, deadline)) > 0;) {
    whole.append(reinterpret_cast<const char*>(chunk.data()), got);
    if (whole.size() > response_limit) throw error("the HTTP response passes the size limit");
  }
  const std::size_t head_end = whole.find("\r\n\r\n");
  if (whole.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) {
    throw error("the peer sent no HTTP response (" + std::to_string(whole.size()) + " octets)");
  }
  http_response response;
  response.head = whole.substr(0, head_end);
  response.body = whole.substr(head_end + 4);
  response.status = std::stoi(whole.substr(whole.find(' ') + 1, 3));
  return response;
}

}  // namespace torctl::testnet
