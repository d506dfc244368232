#pragma once

#include "core/joberror.h"

#include <QObject>
#include <QString>

namespace Core {

// The one base for everything that takes time (after KDE's KJob): start() only schedules the
// work (it begins on the next event-loop turn, so callers can connect first); result() is emitted
// exactly once — on success, failure or kill(); progress is reported as amounts. The object
// deletes itself after result() unless setAutoDelete(false).
class Operation : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Operation)

public:
    explicit Operation(QObject *parent = nullptr);
    ~Operation() override;

    void start();
    // Stops the work; result() is emitted with an error of kind Cancelled ("killed") unless it
    // was already emitted.
    void kill();

    bool isFinished() const { return m_finished; }
    bool failed() const { return m_error.isError(); }
    Core::JobError error() const { return m_error; }
    QString errorString() const { return m_error.message; }
    void setAutoDelete(bool on) { m_autoDelete = on; }

Q_SIGNALS:
    void result(Core::Operation *operation);
    void progress(qint64 done, qint64 total);

protected:
    virtual void doStart() = 0;
    virtual void doKill() { }
    // Ends the operation; only the first call has an effect.
    void emitResult(const Core::JobError &error = {});
    // The same with a sentence: an error of kind Network (empty: success).
    void emitResult(const QString &error);

private:
    bool m_started = false;
    bool m_finished = false;
    bool m_autoDelete = true;
    Core::JobError m_error;
};

} // namespace Core
