#pragma once
/// A single-threaded epoll HTTP/1.1 server for tests and benchmarks. A handler turns each
/// request into a scripted reply: timed segments of bytes, optionally ending in a close or a
/// connection reset, or no reply at all (a hang). Keep-alive by default. Not thread-safe: run()
/// owns everything until stop() (async-signal-safe) is called.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace assay::mock {

/// A parsed request.
struct HttpRequestIn {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased
  std::string body;
  std::string header(const std::string& name) const;
};

/// One timed piece of a reply.
struct Segment {
  double delay_ms = 0;  ///< wait this long after the previous segment
  std::string bytes;
};

/// What to do with a request.
struct Reply {
  std::vector<Segment> segments;
  enum class End { kKeepAlive, kClose, kReset, kHang } end = End::kKeepAlive;
};

/// The server.
class EventServer {
 public:
  using Handler = std::function<Reply(const HttpRequestIn&)>;
  /// Binds `host:port` (port 0 = ephemeral). Throws std::runtime_error on failure.
  EventServer(const std::string& host, int port, Handler handler);
  ~EventServer();
  int port() const { return port_; }
  /// Serves until stop().
  void run();
  /// Makes run() return soon. Safe from signal handlers and other threads.
  void stop();

 private:
  struct Conn;
  struct Timer;
  void accept_all();
  void on_readable(int fd);
  void on_writable(int fd);
  void process_requests(Conn& c);
  void start_reply(Conn& c, Reply reply);
  void advance(Conn& c);
  void flush(Conn& c);
  void close_conn(int fd, bool reset);

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int port_ = 0;
  Handler handler_;
  struct Impl;
  Impl* impl_;
};

/// Builds "HTTP/1.1 ..." response bytes with Content-Length.
std::string http_response(int status, const std::string& content_type, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& extra = {});

/// Response head for a chunked (streaming) body.
std::string http_chunked_head(int status, const std::string& content_type);

/// One chunk of a chunked body ("" gives the terminating chunk).
std::string http_chunk(const std::string& data);

}  // namespace assay::mock
