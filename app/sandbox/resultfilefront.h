#pragma once

#include "sandbox/servicecontext.h"

namespace Sandbox {

class HttpContext;
class Router;

// Serves result files under every dialect's prefix at /files/{job}/{name} behind signed, expiring
// URLs: 403 for a bad signature or an expired / revoked URL, 404 for an unknown or purged job;
// Content-Length, Content-Type, ETag, Accept-Ranges; single byte ranges with 206, 416 when
// unsatisfiable, If-Range; HEAD. Bodies stream from disk.
class ResultFileFront final
{
public:
    explicit ResultFileFront(ServiceContext &context);
    void registerRoutes(Router &router);

private:
    void serve(HttpContext &ctx, Dialect dialect);
    ServiceContext &m_ctx;
};

} // namespace Sandbox
