#pragma once

#include "sandbox/dialect.h"

#include <QByteArray>
#include <QHash>
#include <QString>

namespace Catalog {
class TaskCatalog;
}

namespace Sandbox {

class JobEngine;
class PusherHub;
class ResultUrls;
class SseHub;
class WebhookDispatcher;

// The credentials of the one account each dialect's front end serves.
struct Account
{
    QString apiKey;
    QByteArray webhookSecret;
    QString pusherKey; // deAPI
    QString pusherSecret; // deAPI
    QString clientId; // deAPI
};

// What every front end shares, handed in by SandboxServer (no globals).
struct ServiceContext
{
    JobEngine *engine = nullptr;
    const Catalog::TaskCatalog *catalog = nullptr;
    ResultUrls *urls = nullptr;
    SseHub *sse = nullptr;
    PusherHub *pusher = nullptr;
    WebhookDispatcher *webhooks = nullptr;
    QHash<int, Account> accounts; // by Dialect
    QString baseUrl; // http://host:port
    qint64 downloadRate = 0; // result files: bytes/s per transfer (0 = unlimited)

    const Account &account(Dialect d) const { return *accounts.find(int(d)); }
};

} // namespace Sandbox
