#pragma once

#include "core/operation.h"

#include <QString>
#include <functional>

namespace Secrets {

// One read, write or removal of a key through a KeyStore, reported like all work that takes
// time (Core::Operation): result() once, always later, then the operation deletes itself.
// A missing entry fails with kind NotFound (notFound()), a reference that names no keychain
// entry or an empty key with kind Invalid, a keychain that refuses with kind Storage.
class KeyOperation final : public Core::Operation
{
    Q_OBJECT

public:
    enum class Action { Read, Write, Remove };

    // `begin` hands the operation to its store when it starts.
    KeyOperation(Action action, const QString &ref, const QString &key,
        std::function<void(KeyOperation *)> begin, QObject *parent = nullptr);

    Action action() const { return m_action; }
    QString ref() const { return m_ref; }
    // Read: the key found (never log it); Write: the key to store.
    QString key() const { return m_key; }
    bool notFound() const { return error().kind == Core::JobError::Kind::NotFound; }

    // Called by the store: ends the operation with `key` (a read) or an error.
    void finish(const QString &key, const Core::JobError &error);
    void fail(Core::JobError::Kind kind, const QString &message);

protected:
    void doStart() override;

private:
    Action m_action;
    QString m_ref;
    QString m_key;
    std::function<void(KeyOperation *)> m_begin;
};

} // namespace Secrets
