#include "adapters/curl_transport.h"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include "harness/core/strings.h"

namespace assay {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kEventsPerPoll = 8;

struct Transfer {
  uint64_t tag = 0;
  HttpRequest request;
  HttpResponse response;
  curl_slist* headers = nullptr;
  Clock::time_point start;
  bool saw_status = false;
};

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * n;
  double at = ms_since(t->start);
  if (t->response.first_byte_ms < 0) t->response.first_byte_ms = at;
  t->response.body.append(data, bytes);
  if (t->request.streaming) t->response.chunk_times.push_back({t->response.body.size(), at});
  return bytes;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * n;
  std::string_view line(data, bytes);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (e.g. after "100 Continue"): earlier headers belonged to it.
    t->response.headers.clear();
    return bytes;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response.headers.emplace_back(to_lower(trim(line.substr(0, colon))),
                                     std::string(trim(line.substr(colon + 1))));
  }
  return bytes;
}

ErrorKind classify_curl(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
      return ErrorKind::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorKind::kTimeout;
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING:
      return ErrorKind::kMalformedResponse;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return ErrorKind::kConnectionReset;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return ErrorKind::kInvalidInput;
    default:
      return ErrorKind::kConnectionReset;
  }
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(const TransportOptions& options) : options_(options) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, options_.max_connections);
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    // The socket API with epoll: work per event is O(active sockets), not O(transfers), which
    // is what keeps harness CPU flat at thousands of requests in flight.
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd_;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlTransport::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlTransport::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  }

  ~CurlTransport() override {
    for (auto& [easy, t] : active_) {
      curl_multi_remove_handle(multi_, easy);
      curl_slist_free_all(t->headers);
      curl_easy_cleanup(easy);
    }
    for (CURL* easy : idle_) curl_easy_cleanup(easy);
    curl_multi_cleanup(multi_);
    for (auto& [url, u] : urls_) curl_url_cleanup(u);
    close(epoll_fd_);
    close(wake_fd_);
  }

  void submit(uint64_t tag, HttpRequest request) override {
    auto t = std::make_unique<Transfer>();
    t->tag = tag;
    t->request = std::move(request);
    CURL* easy = take_handle();
    for (const auto& [k, v] : t->request.headers) {
      t->headers = curl_slist_append(t->headers, (k + ": " + v).c_str());
    }
    // Suppress "Expect: 100-continue": it costs a round trip on large bodies.
    t->headers = curl_slist_append(t->headers, "Expect:");
    // A parsed URL per distinct URL (a run has one or two): curl parses a string URL again
    // for every transfer.
    if (CURLU* u = parsed_url(t->request.url)) {
      curl_easy_setopt(easy, CURLOPT_CURLU, u);
    } else {
      curl_easy_setopt(easy, CURLOPT_CURLU, nullptr);
      curl_easy_setopt(easy, CURLOPT_URL, t->request.url.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers);
    if (t->request.method == "POST") {
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, t->request.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(t->request.body.size()));
    } else {
      curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, t.get());
    t->start = Clock::now();
    curl_multi_add_handle(multi_, easy);
    active_.emplace(easy, std::move(t));
  }

  void poll(int timeout_ms, std::vector<TransportCompletion>& finished) override {
    int running = 0;
    if (timer_ms_ == 0) {
      timer_ms_ = -1;
      curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
      collect(finished);
    }
    int wait = timeout_ms;
    if (!finished.empty() || !cancelled_.empty()) wait = 0;
    if (timer_ms_ >= 0) {
      auto elapsed =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - timer_set_at_)
              .count();
      wait = std::min(wait, static_cast<int>(std::max<long>(0, timer_ms_ - elapsed)));
    }
    // A small batch per poll keeps the pipeline full: the runner refills each slot (and the next
    // poll() sends the new requests) after a few completions rather than after a whole burst,
    // which would otherwise delay every request by the time to process all of its peers.
    epoll_event events[kEventsPerPoll];
    int n = epoll_wait(epoll_fd_, events, kEventsPerPoll, wait);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        uint64_t v;
        ssize_t rc = read(wake_fd_, &v, sizeof v);
        (void)rc;
        continue;
      }
      int flags = 0;
      if (events[i].events & (EPOLLIN | EPOLLHUP)) flags |= CURL_CSELECT_IN;
      if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
      if (events[i].events & EPOLLERR) flags |= CURL_CSELECT_ERR;
      curl_multi_socket_action(multi_, fd, flags, &running);
    }
    if (n == 0 || timer_expired()) {
      timer_ms_ = -1;
      curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    collect(finished);
    for (auto& c : cancelled_) finished.push_back(std::move(c));
    cancelled_.clear();
  }

  size_t in_flight() const override { return active_.size() + cancelled_.size(); }

  void cancel_all() override {
    for (auto& [easy, t] : active_) {
      curl_multi_remove_handle(multi_, easy);
      TransportCompletion c;
      c.tag = t->tag;
      c.response = make_error(ErrorKind::kCancelled, "cancelled by stop request");
      cancelled_.push_back(std::move(c));
      release_handle(easy, *t);
    }
    active_.clear();
  }

  void wakeup() override {
    uint64_t one = 1;
    ssize_t rc = write(wake_fd_, &one, sizeof one);
    (void)rc;
  }

 private:
  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
    auto* self = static_cast<CurlTransport*>(user);
    epoll_event ev{};
    ev.data.fd = fd;
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(self->epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
      return 0;
    }
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    if (epoll_ctl(self->epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) {
      epoll_ctl(self->epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    }
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* user) {
    auto* self = static_cast<CurlTransport*>(user);
    self->timer_ms_ = timeout_ms;
    self->timer_set_at_ = Clock::now();
    return 0;
  }

  bool timer_expired() const {
    return timer_ms_ >= 0 && Clock::now() - timer_set_at_ >= std::chrono::milliseconds(timer_ms_);
  }

  // An easy handle from the idle ones, or a new one with every option that never changes set
  // once (resetting and setting them again per transfer cost more than the transfer).
  CURL* take_handle() {
    if (!idle_.empty()) {
      CURL* easy = idle_.back();
      idle_.pop_back();
      return easy;
    }
    CURL* easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, options_.total_timeout_ms);
    // Idle timeout: fewer than 1 byte/s for the whole window aborts the transfer.
    long idle_s = std::max(1L, static_cast<long>(std::ceil(options_.idle_timeout_ms / 1000.0)));
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, idle_s);
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    // No Accept-Encoding: chat responses are small, and setting up decompression for every
    // transfer cost more CPU than the bytes it could save.
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    return easy;
  }

  // The parsed form of `url` (kept for the transport's life: transfers in flight use it), or
  // null to pass the string: a URL curl cannot parse is left for the transfer to report, and
  // past 64 distinct URLs nothing more is kept.
  CURLU* parsed_url(const std::string& url) {
    auto it = urls_.find(url);
    if (it != urls_.end()) return it->second;
    if (urls_.size() >= 64) return nullptr;
    CURLU* u = curl_url();
    if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
      curl_url_cleanup(u);
      u = nullptr;
    }
    urls_.emplace(url, u);
    return u;
  }

  void release_handle(CURL* easy, Transfer& t) {
    curl_slist_free_all(t.headers);
    t.headers = nullptr;
    idle_.push_back(easy);
  }

  bool collect(std::vector<TransportCompletion>& finished) {
    bool any = false;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      auto it = active_.find(easy);
      curl_multi_remove_handle(multi_, easy);
      if (it == active_.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      active_.erase(it);
      TransportCompletion c;
      c.tag = t->tag;
      if (code == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        t->response.status = static_cast<int>(status);
        t->response.latency_ms = ms_since(t->start);
        c.response = std::move(t->response);
      } else {
        ErrorKind kind = classify_curl(code);
        std::string what = curl_easy_strerror(code);
        if (code == CURLE_OPERATION_TIMEDOUT) {
          what = t->response.body.empty() && t->response.first_byte_ms < 0
                     ? "timed out waiting for a response"
                     : "timed out mid-response";
          what += " after " + std::to_string(static_cast<long>(ms_since(t->start))) + " ms";
        } else if (code == CURLE_PARTIAL_FILE) {
          what = "truncated body: the connection closed before Content-Length bytes arrived";
        }
        c.response = make_error(kind, what + " (" + t->request.url + ")");
      }
      release_handle(easy, *t);
      finished.push_back(std::move(c));
      any = true;
    }
    return any;
  }

  TransportOptions options_;
  CURLM* multi_ = nullptr;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  long timer_ms_ = -1;  ///< curl's requested timeout; -1 = none
  Clock::time_point timer_set_at_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active_;
  std::vector<CURL*> idle_;
  std::unordered_map<std::string, CURLU*> urls_;
  std::vector<TransportCompletion> cancelled_;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options) {
  return std::make_unique<CurlTransport>(options);
}

}  // namespace assay
