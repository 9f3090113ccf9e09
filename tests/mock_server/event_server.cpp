#include "tests/mock_server/event_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <queue>
#include <stdexcept>
#include <unordered_map>

namespace assay::mock {

std::string HttpRequestIn::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

std::string http_response(int status, const std::string& content_type, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& extra) {
  const char* reason = status == 200 ? "OK" : status == 429 ? "Too Many Requests" : "Error";
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  out += "Content-Type: " + content_type + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& [k, v] : extra) out += k + ": " + v + "\r\n";
  out += "\r\n";
  return out + body;
}

std::string http_chunked_head(int status, const std::string& content_type) {
  return "HTTP/1.1 " + std::to_string(status) + " OK\r\nContent-Type: " + content_type +
         "\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n";
}

std::string http_chunk(const std::string& data) {
  char head[32];
  std::snprintf(head, sizeof head, "%zx\r\n", data.size());
  return std::string(head) + data + "\r\n";
}

using Clock = std::chrono::steady_clock;

struct EventServer::Conn {
  int fd = -1;
  std::string in;
  std::string out;
  bool busy = false;  ///< a reply is in progress; further requests wait
  Reply reply;
  size_t next_segment = 0;
  uint64_t generation = 0;
  bool close_when_flushed = false;
  bool reset_when_flushed = false;
};

struct EventServer::Timer {
  Clock::time_point due;
  int fd;
  uint64_t generation;
  bool operator>(const Timer& o) const { return due > o.due; }
};

struct EventServer::Impl {
  std::unordered_map<int, Conn> conns;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  uint64_t next_generation = 1;
  volatile bool stopping = false;
};

namespace {
void set_nonblocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}
}  // namespace

EventServer::EventServer(const std::string& host, int port, Handler handler)
    : handler_(std::move(handler)), impl_(new Impl) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    throw std::runtime_error("bad listen address " + host);
  }
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("bind " + host + ":" + std::to_string(port) + ": " +
                             std::strerror(errno));
  }
  listen(listen_fd_, 4096);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  set_nonblocking(listen_fd_);
  epoll_fd_ = epoll_create1(0);
  wake_fd_ = eventfd(0, EFD_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.fd = wake_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
}

EventServer::~EventServer() {
  for (auto& [fd, c] : impl_->conns) close(fd);
  close(listen_fd_);
  close(epoll_fd_);
  close(wake_fd_);
  delete impl_;
}

void EventServer::stop() {
  impl_->stopping = true;
  uint64_t one = 1;
  ssize_t rc = write(wake_fd_, &one, sizeof one);
  (void)rc;
}

void EventServer::run() {
  std::vector<epoll_event> events(1024);
  while (!impl_->stopping) {
    int timeout = 1000;
    if (!impl_->timers.empty()) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(impl_->timers.top().due -
                                                                      Clock::now())
                    .count();
      timeout = static_cast<int>(std::clamp<long long>(ms, 0, 1000));
    }
    int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == listen_fd_) {
        accept_all();
      } else if (fd == wake_fd_) {
        uint64_t v;
        ssize_t rc = read(wake_fd_, &v, sizeof v);
        (void)rc;
      } else {
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(fd);
        if (impl_->conns.count(fd) && (events[i].events & EPOLLOUT)) on_writable(fd);
      }
    }
    auto now = Clock::now();
    while (!impl_->timers.empty() && impl_->timers.top().due <= now) {
      Timer t = impl_->timers.top();
      impl_->timers.pop();
      auto it = impl_->conns.find(t.fd);
      if (it == impl_->conns.end() || it->second.generation != t.generation) continue;
      advance(it->second);
    }
  }
}

void EventServer::accept_all() {
  while (true) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK);
    if (fd < 0) return;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Conn& c = impl_->conns[fd];
    c = Conn();
    c.fd = fd;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
}

void EventServer::on_readable(int fd) {
  auto it = impl_->conns.find(fd);
  if (it == impl_->conns.end()) return;
  Conn& c = it->second;
  char buf[65536];
  while (true) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r > 0) {
      c.in.append(buf, static_cast<size_t>(r));
      if (static_cast<size_t>(r) < sizeof buf) break;  // drained: skip the EAGAIN read
      continue;
    }
    if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      close_conn(fd, false);
      return;
    }
    break;
  }
  process_requests(c);
}

void EventServer::process_requests(Conn& c) {
  while (!c.busy) {
    size_t head_end = c.in.find("\r\n\r\n");
    if (head_end == std::string::npos) return;
    HttpRequestIn req;
    size_t line_end = c.in.find("\r\n");
    std::string line = c.in.substr(0, line_end);
    size_t sp1 = line.find(' ');
    size_t sp2 = line.find(' ', sp1 + 1);
    req.method = line.substr(0, sp1);
    req.path = line.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t content_length = 0;
    size_t pos = line_end + 2;
    while (pos < head_end) {
      size_t eol = c.in.find("\r\n", pos);
      std::string h = c.in.substr(pos, eol - pos);
      size_t colon = h.find(':');
      if (colon != std::string::npos) {
        std::string k = h.substr(0, colon);
        for (auto& ch : k) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        size_t vs = h.find_first_not_of(' ', colon + 1);
        std::string v = vs == std::string::npos ? "" : h.substr(vs);
        if (k == "content-length") content_length = std::stoul(v);
        req.headers.emplace_back(std::move(k), std::move(v));
      }
      pos = eol + 2;
    }
    size_t total = head_end + 4 + content_length;
    if (c.in.size() < total) return;
    req.body = c.in.substr(head_end + 4, content_length);
    c.in.erase(0, total);
    int fd = c.fd;
    start_reply(c, handler_(req));
    // A reply that closes or resets the connection erases `c`; stop before touching it again.
    if (impl_->conns.find(fd) == impl_->conns.end()) return;
  }
}

void EventServer::start_reply(Conn& c, Reply reply) {
  c.busy = true;
  c.reply = std::move(reply);
  c.next_segment = 0;
  c.generation = impl_->next_generation++;
  if (c.reply.end == Reply::End::kHang && c.reply.segments.empty()) return;  // never answers
  advance(c);
}

void EventServer::advance(Conn& c) {
  // Send every segment that is due, then schedule the next one.
  while (c.next_segment < c.reply.segments.size()) {
    Segment& s = c.reply.segments[c.next_segment];
    if (s.delay_ms > 0) {
      double d = s.delay_ms;
      s.delay_ms = 0;
      impl_->timers.push({Clock::now() + std::chrono::microseconds(static_cast<long>(d * 1000)),
                          c.fd, c.generation});
      // Send what is due now, so a stream's chunks leave at their own times.
      if (!c.out.empty()) flush(c);
      return;
    }
    c.out += s.bytes;
    ++c.next_segment;
  }
  switch (c.reply.end) {
    case Reply::End::kKeepAlive:
      c.busy = false;
      break;
    case Reply::End::kClose:
      c.close_when_flushed = true;
      break;
    case Reply::End::kReset:
      c.reset_when_flushed = true;
      break;
    case Reply::End::kHang:
      break;  // stays busy: the client must time out
  }
  int fd = c.fd;
  flush(c);
  auto it = impl_->conns.find(fd);
  if (it != impl_->conns.end() && !it->second.busy && !it->second.in.empty()) {
    process_requests(it->second);
  }
}

void EventServer::flush(Conn& c) {
  while (!c.out.empty()) {
    ssize_t w = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (w > 0) {
      c.out.erase(0, static_cast<size_t>(w));
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
      ev.data.fd = c.fd;
      epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
      return;
    }
    close_conn(c.fd, false);
    return;
  }
  if (c.close_when_flushed || c.reset_when_flushed) close_conn(c.fd, c.reset_when_flushed);
}

void EventServer::on_writable(int fd) {
  auto it = impl_->conns.find(fd);
  if (it == impl_->conns.end()) return;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.fd = fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
  flush(it->second);
}

void EventServer::close_conn(int fd, bool reset) {
  if (reset) {
    linger lg{1, 0};  // close with RST instead of FIN
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  close(fd);
  impl_->conns.erase(fd);
}

}  // namespace assay::mock
