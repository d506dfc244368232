#pragma once

#include "secrets/keytestresult.h"
#include "settings/profileentry.h"

#include <QDialog>
#include <QPointer>
#include <functional>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QNetworkAccessManager;
class QPushButton;
class QToolButton;
class QTreeWidget;

namespace Settings {
class ProfileRegistry;
}
namespace Secrets {
class KeyStore;
class KeyTester;
} // namespace Secrets

namespace Ui {

// The Profiles and keys dialog: the registry's profiles on the left, the selected one's editor on
// the right (name, dialect, base URL, allow-insecure with a warning whenever the base or WebSocket
// URL is plain http/ws to a host other than this machine, deAPI's Pusher fields shown only for
// deAPI, the webhook secret reference) and its keys (label, added, active) below.
//
// Keys go to the KeyStore only (ref KeyStore::keychainRef(profile, label)); the registry keeps the
// reference. A key is never shown: the new-key field is masked, with a "show" toggle that is
// switched off and the field cleared as soon as the key is stored. Test reads the key back from the
// store and runs a Secrets::KeyTester with it. While the store is memory-only a banner says so
// (KeyStore::availabilityMessage()).
//
// Every change (Save, Add/Remove profile, key changes) is written with ProfileRegistry::save() and
// followed by profilesChanged(). Pending edits are saved before another profile is selected and
// when the dialog closes. The registry, store and network manager are borrowed and must outlive
// the dialog.
class ProfilesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProfilesDialog)

public:
    // Asked before a profile or a key is removed; true removes. Default: a QMessageBox question.
    using Confirm = std::function<bool(const QString &title, const QString &question)>;

    ProfilesDialog(Settings::ProfileRegistry *registry, Secrets::KeyStore *keys,
        QNetworkAccessManager *nam, QWidget *parent = nullptr);
    ~ProfilesDialog() override;

    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }

    QString currentProfile() const { return m_current; }
    bool selectProfile(const QString &name);

    // The actions behind the buttons, without prompts (the buttons call these).
    // Adds "new-profile" (or "new-profile-2", …) with PeelAPI's defaults and selects it.
    QString addProfile();
    // Writes the editor into the registry; false (reason in statusText()) for an empty name or a
    // name another profile has.
    bool saveProfile();
    bool removeProfile(const QString &name);
    // Asynchronous: the key is written to the store, then the reference is added and made active.
    // keyAdded() or keyFailed() tells the end.
    void addKey(const QString &label, const QString &key);
    bool removeKey(const QString &label);
    bool setActiveKey(const QString &label);
    // Asynchronous; keyTested() with the outcome.
    void testKey(const QString &label);

    QString statusText() const;

    // The parts, for tests.
    QListWidget *profileList() const { return m_list; }
    QLineEdit *nameEdit() const { return m_name; }
    QComboBox *dialectCombo() const { return m_dialect; }
    QLineEdit *baseUrlEdit() const { return m_baseUrl; }
    QCheckBox *allowInsecureCheck() const { return m_allowInsecure; }
    QLabel *insecureWarning() const { return m_insecureWarning; }
    QGroupBox *pusherGroup() const { return m_pusherGroup; }
    QLineEdit *wsUrlEdit() const { return m_wsUrl; }
    QLineEdit *pusherKeyEdit() const { return m_pusherKey; }
    QLineEdit *clientIdEdit() const { return m_clientId; }
    QLineEdit *authUrlEdit() const { return m_authUrl; }
    QLineEdit *webhookSecretRefEdit() const { return m_webhookRef; }
    QLabel *sandboxNote() const { return m_sandboxNote; }
    QLabel *memoryOnlyBanner() const { return m_banner; }
    QTreeWidget *keyList() const { return m_keys; }
    QLineEdit *newKeyLabelEdit() const { return m_newLabel; }
    QLineEdit *newKeyEdit() const { return m_newKey; }
    QToolButton *showKeyToggle() const { return m_showKey; }
    QLabel *testResultLabel() const { return m_testResult; }

Q_SIGNALS:
    void profilesChanged();
    void keyAdded(const QString &profile, const QString &label);
    void keyFailed(const QString &profile, const QString &label, const QString &message);
    void keyTested(
        const QString &profile, const QString &label, const Secrets::KeyTestResult &result);

protected:
    void done(int result) override;

private:
    void buildUi();
    void reloadList(const QString &select);
    void loadEditor(const QString &name);
    void loadKeys();
    void updateInsecureWarning();
    void updateDialectFields();
    void updateBanner();
    void updateKeyButtons();
    void setStatus(const QString &text, bool error = false);
    bool commit();
    QString selectedKeyLabel() const;
    Settings::ProfileEntry editedEntry() const;

    Settings::ProfileRegistry *m_registry;
    Secrets::KeyStore *m_store;
    QNetworkAccessManager *m_nam;
    Confirm m_confirm;
    QString m_current; // the profile in the editor (its saved name)
    bool m_loading = false;
    bool m_dirty = false;
    QPointer<Secrets::KeyTester> m_tester;

    QLabel *m_banner = nullptr;
    QListWidget *m_list = nullptr;
    QPushButton *m_addProfile = nullptr;
    QPushButton *m_removeProfile = nullptr;
    QWidget *m_editor = nullptr;
    QLabel *m_sandboxNote = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_dialect = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QCheckBox *m_allowInsecure = nullptr;
    QLabel *m_insecureWarning = nullptr;
    QGroupBox *m_pusherGroup = nullptr;
    QLineEdit *m_wsUrl = nullptr;
    QLineEdit *m_pusherKey = nullptr;
    QLineEdit *m_clientId = nullptr;
    QLineEdit *m_authUrl = nullptr;
    QLineEdit *m_webhookRef = nullptr;
    QPushButton *m_save = nullptr;
    QTreeWidget *m_keys = nullptr;
    QPushButton *m_removeKey = nullptr;
    QPushButton *m_activateKey = nullptr;
    QPushButton *m_testKey = nullptr;
    QLabel *m_testResult = nullptr;
    QLineEdit *m_newLabel = nullptr;
    QLineEdit *m_newKey = nullptr;
    QToolButton *m_showKey = nullptr;
    QPushButton *m_addKey = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace Ui
