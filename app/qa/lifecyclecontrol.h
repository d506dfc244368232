#pragma once

#include "qa/controloperation.h"
#include "qa/lifecyclestep.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>

class QNetworkAccessManager;

namespace Qa {

// The client of jobscope-sandbox's QA control API (docs/sandbox.md, "/_sandbox"): every call is
// one asynchronous request through a Net::HttpCall (transfer timeout, redirect limit, owned and
// aborted by this object). Each call returns a started ControlOperation, a child of this object:
// connect to its result() right away; it reports exactly once, later, and deletes itself. A 409
// carries the sandbox's refusal in ControlResult::reason (and fails the operation, kind Conflict).
//
// `controlBase` is the control URL the sandbox prints ("http://127.0.0.1:PORT/_sandbox"), and the
// token the one it prints as "control_token": every request sends it in X-Sandbox-Token (none when
// empty, for a sandbox started with --no-control-token).
// The QNetworkAccessManager is not owned and must outlive this object.
class LifecycleControl final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LifecycleControl)

public:
    LifecycleControl(
        QNetworkAccessManager *nam, const QUrl &controlBase, QObject *parent = nullptr);
    ~LifecycleControl() override;

    QUrl controlBase() const { return m_base; }
    void setControlBase(const QUrl &base) { m_base = base; }
    QByteArray token() const { return m_token; }
    void setToken(const QByteArray &token) { m_token = token; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // GET /_sandbox/jobs/{id}: the whole record (body), with "phase", "state", "status", "control".
    ControlOperation *job(const QString &id);
    // GET /_sandbox/failures: the reason codes of every dialect (ControlOperation::failureCodes).
    ControlOperation *failures();
    // POST …/advance; an empty `to` means the next natural state.
    ControlOperation *advance(const QString &id, const QString &to = {});
    // POST …/hold; an empty `state` holds the job where it is.
    ControlOperation *hold(const QString &id, const QString &state = {});
    ControlOperation *release(const QString &id);
    // POST …/fail; an empty code lets the sandbox pick the dialect's default.
    ControlOperation *fail(
        const QString &id, const QString &reasonCode, const QString &message = {});
    ControlOperation *cancel(const QString &id);
    // POST …/ask-input (Peel); an empty message uses the sandbox's default prompt.
    ControlOperation *askInput(const QString &id, const QString &message = {});
    ControlOperation *expire(const QString &id);
    ControlOperation *drop(const QString &id);

    // The sandbox's phases of a dialect in lifecycle order, and their raw words (mirrors
    // Sandbox::DialectTable; tst_lifecyclecontrol checks that the two agree).
    static QStringList phases(const QString &dialect);
    static QString rawWord(const QString &dialect, const QString &phase);
    static bool isTerminalPhase(const QString &phase);
    // Every state other than the current one the record's job could be advanced to, legal or not
    // (with the sandbox's reason), in lifecycle order; "queued" is never a target.
    static QList<LifecycleStep> steps(const QJsonObject &record);
    // The phases of steps() that are legal now (what POST …/advance {"to"} would accept).
    static QStringList legalNextStates(const QJsonObject &record);

private:
    ControlOperation *send(const QByteArray &method, const QString &action, const QString &id,
        const QString &path, const QJsonObject &body);

    QNetworkAccessManager *m_nam;
    QUrl m_base;
    QByteArray m_token;
    int m_timeoutMs = 15000;
};

} // namespace Qa
