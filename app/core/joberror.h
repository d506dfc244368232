#pragma once

#include <QJsonObject>
#include <QString>

namespace Core {

// An error as a value: what went wrong with a request or a job, built in one place
// (Dialects::Adapter::errorFrom for HTTP answers, the job's own failure fields otherwise).
struct JobError
{
    enum class Kind {
        None,
        Network, // no HTTP answer: refused, reset, DNS, TLS
        Timeout, // no answer in time
        Http, // an HTTP error status the dialect has no better word for
        Auth, // 401/403 on an API call
        NotFound, // 404
        Conflict, // 409 (cancel of a running job, respond outside needs_input, …)
        Invalid, // 400/422: the service refused the input
        RateLimit, // 429
        Protocol, // an answer we cannot read: wrong content type, malformed JSON, unknown state
        Job, // the job itself failed
        Storage, // a local store refused: the keychain, the history database, the disk
        Cancelled, // the work was stopped by its caller (Operation::kill)
    };

    Kind kind = Kind::None;
    int httpStatus = 0;
    int networkError = 0; // QNetworkReply::NetworkError
    QString providerCode; // failure_reason_code, error_code, errors[].code …
    QString message;
    bool retryable = false;
    QString supportId; // Peel failure.artifact.support_debug_id
    QString suggestedAction; // Peel failure.artifact.suggested_action
    QJsonObject details; // the provider's failure object, as sent

    bool isError() const { return kind != Kind::None; }
    static QString kindName(Kind k);
    QJsonObject toJson() const;
    static JobError fromJson(const QJsonObject &o);
};

} // namespace Core
