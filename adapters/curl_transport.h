#pragma once
/// The shared HTTP transport: one libcurl multi event loop, keep-alive connection reuse, HTTP/2
/// where the server offers it. Used from one thread (the runner's), except wakeup().

#include <memory>

#include "harness/core/transport.h"

namespace assay {

/// Creates the libcurl-multi transport. Never null.
std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options);

}  // namespace assay
