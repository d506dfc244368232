#pragma once

#include "core/operation.h"
#include "core/profile.h"
#include "secrets/keytestresult.h"

#include <QPointer>

class QNetworkAccessManager;

namespace Net {
class HttpCall;
}

namespace Secrets {

// "Test this key": one authenticated request that does no work — a status read of a job id that
// cannot exist ("jobscope-key-test-<uuid>"), built by the profile's dialect adapter
// (ImagePipeline's status route hangs off a task: the first task of its catalog). A not-found
// answer (or, oddly, a 2xx) means the key was accepted, 401/403 that it was refused, anything else
// (no answer, 5xx, 429, …) that we cannot tell. Plain http to a host other than this machine is
// refused without sending the key unless the profile allows it.
//
// An Operation: start(), then result() once; outcome() is valid from then on. The operation fails
// (errorString() = outcome().message) only for Unknown. The profile must carry the key in apiKey;
// the key never appears in outcome() or in logs.
class KeyTester final : public Core::Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyTester)

public:
    KeyTester(QNetworkAccessManager *nam, Core::Profile profile, QObject *parent = nullptr);
    ~KeyTester() override;

    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    KeyTestResult outcome() const { return m_outcome; }

protected:
    void doStart() override;
    void doKill() override;

private:
    void finish(KeyTestResult::Verdict verdict, int status, const QString &message);

    QNetworkAccessManager *m_nam;
    Core::Profile m_profile;
    int m_timeoutMs = 15000;
    QPointer<Net::HttpCall> m_call;
    KeyTestResult m_outcome;
};

} // namespace Secrets
