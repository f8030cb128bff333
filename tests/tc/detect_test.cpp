// Protocol detection on the first four octets of a connection.
#include "tc/test_support.hpp"

namespace torctl::tc {
namespace {

protocol_guess guess(std::string_view first) {
  return detect_protocol(as_bytes(first));
}

TEST(DetectProtocol, FewerThanFourOctetsNeedMore) {
  EXPECT_EQ(guess(""), protocol_guess::need_more);
  EXPECT_EQ(guess("GET"), protocol_guess::need_more);
  const auto tc_prefix = testing::from_hex("000000");
  EXPECT_EQ(detect_protocol(tc_prefix), protocol_guess::need_more);
}

TEST(DetectProtocol, TcFramesHaveAZeroThirdOctet) {
  for (const char* hex :
       {"00000001", "00000008", "0020 0007", "ffff 000c", "0000 00ff", "0102 0000 aa"}) {
    EXPECT_EQ(detect_protocol(testing::from_hex(hex)), protocol_guess::tc) << hex;
  }
}

TEST(DetectProtocol, TextCommands) {
  for (const char* line : {"PROTOCOLINFO 1\r\n", "AUTHENTICATE \"x\"\r\n", "GETINFO version",
                           "getconf SocksPort", "QUIT\r\n", "SETEVENTS CIRC"}) {
    EXPECT_EQ(guess(line), protocol_guess::text) << line;
  }
}

TEST(DetectProtocol, HttpMethodsInAnyCase) {
  for (const char* request : {"GET / HTTP/1.0", "get /", "Post /x", "PUT /", "DELETE /", "delete /",
                              "CONNECT a:1 HTTP/1.1", "OPTIONS *", "HEAD /", "hEaD /"}) {
    EXPECT_EQ(guess(request), protocol_guess::http) << request;
  }
}

TEST(DetectProtocol, CommandsThatMerelyStartLikeHttpAreText) {
  // "GETINFO"/"GETCONF" share three letters with GET but not the space.
  EXPECT_EQ(guess("GETINFO version"), protocol_guess::text);
  EXPECT_EQ(guess("GETC"), protocol_guess::text);
  EXPECT_EQ(guess("PUTX"), protocol_guess::text);
}

}  // namespace
}  // namespace torctl::tc
