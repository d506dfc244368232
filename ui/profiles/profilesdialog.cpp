#include "profilesdialog.h"

#include "common/icons.h"
#include "core/dialect.h"
#include "core/profile.h"
#include "secrets/keystore.h"
#include "secrets/keytester.h"
#include "settings/profileregistry.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Ui {

namespace {

// Plain http/ws to anything but this machine sends the key (and Pusher auth) unencrypted.
bool isPlainRemote(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("ws"))
        return false;
    const QString host = url.host();
    if (host.isEmpty() || host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return false;
    const QHostAddress address(host);
    return address.isNull() || !address.isLoopback();
}

QUrl urlFrom(const QLineEdit *edit)
{
    const QString text = edit->text().trimmed();
    return text.isEmpty() ? QUrl() : QUrl::fromUserInput(text);
}

QLabel *makeBanner(const QString &background, const QString &border, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Fixed colours (not the palette) so the banner reads the same in the light and dark themes.
    label->setStyleSheet(
        QStringLiteral("QLabel { background: %1; color: #1f1f1f; border: 1px solid "
                       "%2; border-radius: 4px; padding: 6px; }")
            .arg(background, border));
    return label;
}

enum KeyColumn { LabelColumn, AddedColumn, ActiveColumn };

} // namespace

ProfilesDialog::ProfilesDialog(Settings::ProfileRegistry *registry, Secrets::KeyStore *keys,
    QNetworkAccessManager *nam, QWidget *parent)
    : QDialog(parent)
    , m_registry(registry)
    , m_store(keys)
    , m_nam(nam)
{
    m_confirm = [this](const QString &title, const QString &question) {
        return QMessageBox::question(
                   this, title, question, QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
            == QMessageBox::Yes;
    };
    setWindowTitle(tr("Profiles and keys"));
    setWindowIcon(Icons::action("profiles"));
    buildUi();

    connect(m_store, &Secrets::KeyStore::availabilityKnown, this, [this] { updateBanner(); });
    m_store->probe();
    updateBanner();

    // Another writer (the CLI import, first-run setup) may change the registry while we are open.
    connect(m_registry, &Settings::ProfileRegistry::changed, this, [this] {
        if (!m_loading && !m_dirty)
            reloadList(m_current);
    });
    reloadList({});
}

ProfilesDialog::~ProfilesDialog()
{
    if (m_tester)
        m_tester->kill();
}

void ProfilesDialog::buildUi()
{
    auto *root = new QVBoxLayout(this);

    m_banner = makeBanner(QStringLiteral("#fff4ce"), QStringLiteral("#d8a300"), this);
    m_banner->hide();
    root->addWidget(m_banner);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    root->addWidget(splitter, 1);

    // Left: the profiles.
    auto *left = new QWidget(splitter);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_list = new QListWidget(left);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    leftLayout->addWidget(m_list, 1);
    auto *listButtons = new QHBoxLayout;
    m_addProfile = new QPushButton(tr("&Add"), left);
    m_removeProfile = new QPushButton(tr("&Remove…"), left);
    listButtons->addWidget(m_addProfile);
    listButtons->addWidget(m_removeProfile);
    leftLayout->addLayout(listButtons);
    splitter->addWidget(left);

    // Right: the editor, scrollable so the dialog stays usable on a small screen.
    auto *scroll = new QScrollArea(splitter);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_editor = new QWidget(scroll);
    auto *editor = new QVBoxLayout(m_editor);
    editor->setContentsMargins(4, 0, 4, 0);
    scroll->setWidget(m_editor);
    splitter->addWidget(scroll);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({ 200, 600 });

    m_sandboxNote = makeBanner(QStringLiteral("#dcebfb"), QStringLiteral("#4a8ad4"), m_editor);
    m_sandboxNote->setText(tr("Sandbox profile: it points at the local jobscope-sandbox, whose "
                              "jobs and keys are for trying things out."));
    m_sandboxNote->hide();
    editor->addWidget(m_sandboxNote);

    auto *connection = new QGroupBox(tr("Connection"), m_editor);
    auto *form = new QFormLayout(connection);
    m_name = new QLineEdit(connection);
    m_dialect = new QComboBox(connection);
    for (const QString &d : Core::dialectNames())
        m_dialect->addItem(d, d);
    m_baseUrl = new QLineEdit(connection);
    m_baseUrl->setPlaceholderText(QStringLiteral("https://api.example.com"));
    m_allowInsecure = new QCheckBox(tr("Allow plain http/ws to a remote host"), connection);
    m_insecureWarning
        = makeBanner(QStringLiteral("#fde0dc"), QStringLiteral("#c42b1c"), connection);
    m_insecureWarning->hide();
    m_webhookRef = new QLineEdit(connection);
    m_webhookRef->setPlaceholderText(QStringLiteral("env:VAR or keychain:profile/label"));
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Dialect:"), m_dialect);
    form->addRow(tr("&Base URL:"), m_baseUrl);
    form->addRow(QString(), m_allowInsecure);
    form->addRow(m_insecureWarning); // spans both columns, so the wrapped text gets its height
    form->addRow(tr("&Webhook secret:"), m_webhookRef);
    editor->addWidget(connection);

    m_pusherGroup = new QGroupBox(tr("deAPI live channel (Pusher)"), m_editor);
    auto *pusher = new QFormLayout(m_pusherGroup);
    m_wsUrl = new QLineEdit(m_pusherGroup);
    m_wsUrl->setPlaceholderText(QStringLiteral("wss://host:443"));
    m_pusherKey = new QLineEdit(m_pusherGroup);
    m_clientId = new QLineEdit(m_pusherGroup);
    m_authUrl = new QLineEdit(m_pusherGroup);
    pusher->addRow(tr("WebSocket URL:"), m_wsUrl);
    pusher->addRow(tr("Pusher key:"), m_pusherKey);
    pusher->addRow(tr("Client id:"), m_clientId);
    pusher->addRow(tr("Auth URL:"), m_authUrl);
    editor->addWidget(m_pusherGroup);

    auto *saveRow = new QHBoxLayout;
    saveRow->addStretch(1);
    m_save = new QPushButton(tr("&Save profile"), m_editor);
    m_save->setEnabled(false);
    saveRow->addWidget(m_save);
    editor->addLayout(saveRow);

    auto *keysBox = new QGroupBox(tr("Keys"), m_editor);
    auto *keys = new QVBoxLayout(keysBox);
    m_keys = new QTreeWidget(keysBox);
    m_keys->setHeaderLabels({ tr("Label"), tr("Added"), tr("Active") });
    m_keys->setRootIsDecorated(false);
    m_keys->setUniformRowHeights(true);
    m_keys->setMinimumHeight(90);
    m_keys->setMaximumHeight(170); // the add-key row below must stay in view
    m_keys->header()->setSectionResizeMode(LabelColumn, QHeaderView::Stretch);
    m_keys->header()->setSectionResizeMode(AddedColumn, QHeaderView::ResizeToContents);
    m_keys->header()->setSectionResizeMode(ActiveColumn, QHeaderView::ResizeToContents);
    keys->addWidget(m_keys);
    auto *keyButtons = new QHBoxLayout;
    m_activateKey = new QPushButton(tr("Set a&ctive"), keysBox);
    m_testKey = new QPushButton(tr("&Test"), keysBox);
    m_removeKey = new QPushButton(tr("Remo&ve key…"), keysBox);
    keyButtons->addWidget(m_activateKey);
    keyButtons->addWidget(m_testKey);
    keyButtons->addWidget(m_removeKey);
    keyButtons->addStretch(1);
    keys->addLayout(keyButtons);
    m_testResult = new QLabel(keysBox);
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    keys->addWidget(m_testResult);

    auto *add = new QHBoxLayout;
    m_newLabel = new QLineEdit(keysBox);
    m_newLabel->setPlaceholderText(tr("label"));
    m_newLabel->setMaximumWidth(140);
    m_newKey = new QLineEdit(keysBox);
    m_newKey->setEchoMode(QLineEdit::Password);
    m_newKey->setPlaceholderText(tr("paste a new key"));
    // A key must not linger in the undo buffer or be dragged out as text.
    m_newKey->setDragEnabled(false);
    m_showKey = new QToolButton(keysBox);
    m_showKey->setText(tr("Show"));
    m_showKey->setCheckable(true);
    m_showKey->setToolTip(tr("Show the key while typing it"));
    m_addKey = new QPushButton(tr("Add &key"), keysBox);
    add->addWidget(m_newLabel);
    add->addWidget(m_newKey, 1);
    add->addWidget(m_showKey);
    add->addWidget(m_addKey);
    keys->addLayout(add);
    editor->addWidget(keysBox);
    editor->addStretch(1);

    auto *bottom = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    bottom->addWidget(m_status, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    bottom->addWidget(buttons);
    root->addLayout(bottom);

    resize(860, 620);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_addProfile, &QPushButton::clicked, this, [this] { addProfile(); });
    connect(m_removeProfile, &QPushButton::clicked, this, [this] {
        if (m_current.isEmpty())
            return;
        if (m_confirm(tr("Remove profile"),
                tr("Remove the profile \"%1\"? Its keys stay in the keychain.").arg(m_current)))
            removeProfile(m_current);
    });
    connect(m_list, &QListWidget::currentTextChanged, this, [this](const QString &name) {
        if (m_loading || name == m_current)
            return;
        if (m_dirty && !commit()) {
            // Keep the profile whose edits could not be saved in front of the user.
            const QSignalBlocker block(m_list);
            const QList<QListWidgetItem *> items = m_list->findItems(m_current, Qt::MatchExactly);
            if (!items.isEmpty())
                m_list->setCurrentItem(items.first());
            return;
        }
        loadEditor(name);
    });
    connect(m_save, &QPushButton::clicked, this, [this] { saveProfile(); });

    const auto edited = [this] {
        if (m_loading)
            return;
        m_dirty = true;
        m_save->setEnabled(true);
    };
    for (QLineEdit *e :
        { m_name, m_baseUrl, m_wsUrl, m_pusherKey, m_clientId, m_authUrl, m_webhookRef })
        connect(e, &QLineEdit::textEdited, this, edited);
    connect(m_allowInsecure, &QCheckBox::toggled, this, edited);
    connect(m_dialect, &QComboBox::currentIndexChanged, this, edited);
    connect(m_dialect, &QComboBox::currentIndexChanged, this, [this] { updateDialectFields(); });
    connect(m_baseUrl, &QLineEdit::textChanged, this, [this] { updateInsecureWarning(); });
    connect(m_wsUrl, &QLineEdit::textChanged, this, [this] { updateInsecureWarning(); });
    connect(m_allowInsecure, &QCheckBox::toggled, this, [this] { updateInsecureWarning(); });

    connect(m_showKey, &QToolButton::toggled, this,
        [this](bool on) { m_newKey->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password); });
    connect(m_addKey, &QPushButton::clicked, this,
        [this] { addKey(m_newLabel->text().trimmed(), m_newKey->text().trimmed()); });
    connect(m_newKey, &QLineEdit::returnPressed, m_addKey, &QPushButton::click);
    connect(m_keys, &QTreeWidget::itemSelectionChanged, this, [this] { updateKeyButtons(); });
    connect(
        m_activateKey, &QPushButton::clicked, this, [this] { setActiveKey(selectedKeyLabel()); });
    connect(m_testKey, &QPushButton::clicked, this, [this] { testKey(selectedKeyLabel()); });
    connect(m_removeKey, &QPushButton::clicked, this, [this] {
        const QString label = selectedKeyLabel();
        if (label.isEmpty())
            return;
        if (m_confirm(tr("Remove key"),
                tr("Remove the key \"%1\" of \"%2\" from the keychain?").arg(label, m_current)))
            removeKey(label);
    });
}

bool ProfilesDialog::selectProfile(const QString &name)
{
    const QList<QListWidgetItem *> items = m_list->findItems(name, Qt::MatchExactly);
    if (items.isEmpty())
        return false;
    m_list->setCurrentItem(items.first());
    return m_current == name;
}

void ProfilesDialog::reloadList(const QString &select)
{
    m_loading = true;
    m_list->clear();
    for (const Settings::ProfileEntry &e : m_registry->profiles()) {
        auto *item = new QListWidgetItem(e.profile.name, m_list);
        item->setIcon(e.sandbox ? Icons::action("sandbox") : Icons::action("profiles"));
        item->setToolTip(Core::dialectName(e.profile.dialect) + QStringLiteral(" · ")
            + e.profile.baseUrl.toString());
    }
    QString target = select;
    if (target.isEmpty() || m_list->findItems(target, Qt::MatchExactly).isEmpty())
        target = m_list->count() > 0 ? m_list->item(0)->text() : QString();
    if (!target.isEmpty())
        m_list->setCurrentItem(m_list->findItems(target, Qt::MatchExactly).first());
    m_loading = false;
    loadEditor(target);
}

void ProfilesDialog::loadEditor(const QString &name)
{
    const std::optional<Settings::ProfileEntry> entry = m_registry->profile(name);
    m_loading = true;
    m_current = entry ? name : QString();
    m_editor->setEnabled(entry.has_value());
    m_removeProfile->setEnabled(entry.has_value());
    const Core::Profile p = entry ? entry->profile : Core::Profile();
    m_name->setText(p.name);
    m_dialect->setCurrentIndex(m_dialect->findData(Core::dialectName(p.dialect)));
    m_baseUrl->setText(p.baseUrl.toString());
    m_allowInsecure->setChecked(p.allowInsecure);
    m_wsUrl->setText(p.wsUrl.toString());
    m_pusherKey->setText(p.pusherKey);
    m_clientId->setText(p.clientId);
    m_authUrl->setText(p.authUrl.toString());
    m_webhookRef->setText(p.webhookSecretRef);
    m_sandboxNote->setVisible(entry && entry->sandbox);
    m_testResult->clear();
    m_newLabel->clear();
    m_newKey->clear();
    m_showKey->setChecked(false);
    m_loading = false;
    m_dirty = false;
    m_save->setEnabled(false);
    updateDialectFields();
    updateInsecureWarning();
    loadKeys();
}

void ProfilesDialog::loadKeys()
{
    m_keys->clear();
    const std::optional<Settings::ProfileEntry> entry = m_registry->profile(m_current);
    if (entry) {
        for (const Settings::ProfileEntry::Key &k : entry->keys) {
            auto *item = new QTreeWidgetItem(m_keys);
            item->setText(LabelColumn, k.label);
            item->setData(LabelColumn, Qt::UserRole, k.label);
            item->setText(AddedColumn,
                k.added.isValid() ? QLocale().toString(k.added.toLocalTime(), QLocale::ShortFormat)
                                  : QString());
            const bool active = k.label == entry->activeKey;
            item->setText(ActiveColumn, active ? tr("● active") : QString());
            if (active) {
                QFont f = item->font(LabelColumn);
                f.setBold(true);
                item->setFont(LabelColumn, f);
            }
            // The reference says where the key lives; the key itself is never loaded here.
            item->setToolTip(LabelColumn, k.ref);
        }
        if (entry->keys.isEmpty() && entry->profile.keyRef.startsWith(QLatin1String("env:"))) {
            auto *item = new QTreeWidgetItem(m_keys);
            item->setText(LabelColumn, entry->profile.keyRef);
            item->setData(LabelColumn, Qt::UserRole, QString());
            item->setText(ActiveColumn, tr("● active"));
            item->setToolTip(LabelColumn, tr("Read from the environment"));
        }
    }
    updateKeyButtons();
}

void ProfilesDialog::updateKeyButtons()
{
    const bool any = !m_current.isEmpty() && !m_keys->selectedItems().isEmpty();
    m_activateKey->setEnabled(any && !selectedKeyLabel().isEmpty());
    m_removeKey->setEnabled(any && !selectedKeyLabel().isEmpty());
    m_testKey->setEnabled(any && !m_tester);
}

void ProfilesDialog::updateDialectFields()
{
    m_pusherGroup->setVisible(m_dialect->currentData().toString() == QLatin1String("deapi"));
    updateInsecureWarning();
}

void ProfilesDialog::updateInsecureWarning()
{
    const bool deapi = m_dialect->currentData().toString() == QLatin1String("deapi");
    QStringList plain;
    if (isPlainRemote(urlFrom(m_baseUrl)))
        plain << urlFrom(m_baseUrl).host();
    if (deapi && isPlainRemote(urlFrom(m_wsUrl)))
        plain << urlFrom(m_wsUrl).host();
    plain.removeDuplicates();
    if (plain.isEmpty()) {
        m_insecureWarning->hide();
        return;
    }
    const QString hosts = plain.join(QStringLiteral(", "));
    m_insecureWarning->setText(m_allowInsecure->isChecked()
            ? tr("Unencrypted: the key is sent in plain text to %1, where anyone on the way can "
                 "read it.")
                  .arg(hosts)
            : tr("Plain http/ws to %1: requests with the key are refused unless you allow it "
                 "above. Prefer https/wss.")
                  .arg(hosts));
    m_insecureWarning->show();
}

void ProfilesDialog::updateBanner()
{
    const bool memoryOnly = m_store->isMemoryOnly();
    m_banner->setText(m_store->availabilityMessage());
    m_banner->setVisible(memoryOnly);
}

void ProfilesDialog::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c42b1c;") : QString());
}

QString ProfilesDialog::statusText() const
{
    return m_status->text();
}

QString ProfilesDialog::selectedKeyLabel() const
{
    const QList<QTreeWidgetItem *> selected = m_keys->selectedItems();
    return selected.isEmpty() ? QString()
                              : selected.first()->data(LabelColumn, Qt::UserRole).toString();
}

Settings::ProfileEntry ProfilesDialog::editedEntry() const
{
    Settings::ProfileEntry entry
        = m_registry->profile(m_current).value_or(Settings::ProfileEntry {});
    Core::Profile &p = entry.profile;
    const Core::Dialect dialect
        = Core::dialectFromName(m_dialect->currentData().toString()).value_or(p.dialect);
    if (dialect != p.dialect) {
        // A new dialect brings its own live-channel defaults; what the user typed wins below.
        Core::Profile defaults = Core::Profile::defaultsFor(dialect);
        defaults.keyRef = p.keyRef;
        p = defaults;
    }
    p.name = m_name->text().trimmed();
    p.baseUrl = urlFrom(m_baseUrl);
    p.allowInsecure = m_allowInsecure->isChecked();
    p.wsUrl = urlFrom(m_wsUrl);
    p.pusherKey = m_pusherKey->text().trimmed();
    p.clientId = m_clientId->text().trimmed();
    p.authUrl = urlFrom(m_authUrl);
    p.webhookSecretRef = m_webhookRef->text().trimmed();
    return entry;
}

bool ProfilesDialog::commit()
{
    if (m_current.isEmpty())
        return true;
    const Settings::ProfileEntry entry = editedEntry();
    const QString name = entry.profile.name;
    if (name.isEmpty()) {
        setStatus(tr("A profile needs a name."), true);
        return false;
    }
    if (name != m_current && m_registry->profile(name)) {
        setStatus(tr("Another profile is already called \"%1\".").arg(name), true);
        return false;
    }
    m_loading = true;
    // A rename keeps the key references: they name keychain entries, which stay where they are.
    if (name != m_current)
        m_registry->remove(m_current);
    m_registry->upsert(entry);
    m_loading = false;
    QString error;
    if (!m_registry->save(&error)) {
        setStatus(tr("Could not save the profiles: %1").arg(error), true);
        return false;
    }
    const bool renamed = name != m_current;
    m_current = name;
    m_dirty = false;
    m_save->setEnabled(false);
    if (renamed) {
        m_loading = true;
        if (QListWidgetItem *item = m_list->currentItem())
            item->setText(name);
        m_loading = false;
    }
    setStatus(tr("Saved \"%1\".").arg(name));
    Q_EMIT profilesChanged();
    return true;
}

bool ProfilesDialog::saveProfile()
{
    return commit();
}

QString ProfilesDialog::addProfile()
{
    if (m_dirty && !commit())
        return {};
    QString name = QStringLiteral("new-profile");
    for (int i = 2; m_registry->profile(name); ++i)
        name = QStringLiteral("new-profile-%1").arg(i);
    Core::Profile p = Core::Profile::defaultsFor(Core::Dialect::PeelApi);
    p.name = name;
    m_loading = true;
    m_registry->upsert(p);
    m_loading = false;
    QString error;
    if (!m_registry->save(&error))
        setStatus(tr("Could not save the profiles: %1").arg(error), true);
    else
        setStatus(tr("Added \"%1\"; fill in its URL and add a key.").arg(name));
    reloadList(name);
    m_name->setFocus();
    m_name->selectAll();
    Q_EMIT profilesChanged();
    return name;
}

bool ProfilesDialog::removeProfile(const QString &name)
{
    m_loading = true;
    const bool removed = m_registry->remove(name);
    m_loading = false;
    if (!removed)
        return false;
    QString error;
    if (!m_registry->save(&error)) {
        setStatus(tr("Could not save the profiles: %1").arg(error), true);
        return false;
    }
    m_dirty = false;
    setStatus(tr("Removed \"%1\".").arg(name));
    reloadList({});
    Q_EMIT profilesChanged();
    return true;
}

void ProfilesDialog::addKey(const QString &label, const QString &key)
{
    const QString profile = m_current;
    if (profile.isEmpty())
        return;
    if (label.isEmpty() || key.isEmpty()) {
        setStatus(tr("A key needs a label and the key itself."), true);
        return;
    }
    if (m_dirty && !commit())
        return;
    const QString ref = Secrets::KeyStore::keychainRef(profile, label);
    m_addKey->setEnabled(false);
    setStatus(tr("Storing the key…"));
    Secrets::KeyOperation *write = m_store->writeKey(ref, key);
    connect(write, &Core::Operation::result, this, [this, write, profile, label, ref] {
        m_addKey->setEnabled(true);
        if (write->failed()) {
            setStatus(tr("The key was not stored: %1").arg(write->errorString()), true);
            Q_EMIT keyFailed(profile, label, write->errorString());
            return;
        }
        m_loading = true;
        const bool added
            = m_registry->addKey(profile, label, ref) && m_registry->setActiveKey(profile, label);
        m_loading = false;
        QString error;
        if (!added || !m_registry->save(&error)) {
            const QString message = added ? error : tr("the profile is gone");
            setStatus(tr("The key was stored but not recorded: %1").arg(message), true);
            Q_EMIT keyFailed(profile, label, message);
            return;
        }
        if (profile == m_current) {
            m_newKey->clear();
            m_newLabel->clear();
            m_showKey->setChecked(false);
            loadKeys();
        }
        setStatus(m_store->isMemoryOnly()
                ? tr("Key \"%1\" added for this session only (no keychain).").arg(label)
                : tr("Key \"%1\" added to the keychain and made active.").arg(label));
        Q_EMIT profilesChanged();
        Q_EMIT keyAdded(profile, label);
    });
}

bool ProfilesDialog::removeKey(const QString &label)
{
    const std::optional<Settings::ProfileEntry> entry = m_registry->profile(m_current);
    const Settings::ProfileEntry::Key *k = entry ? entry->key(label) : nullptr;
    if (!k)
        return false;
    const QString ref = k->ref;
    m_loading = true;
    m_registry->removeKey(m_current, label);
    m_loading = false;
    QString error;
    if (!m_registry->save(&error)) {
        setStatus(tr("Could not save the profiles: %1").arg(error), true);
        return false;
    }
    if (!Secrets::KeyStore::accountOf(ref).isEmpty()) {
        Secrets::KeyOperation *removal = m_store->removeKey(ref);
        connect(removal, &Core::Operation::result, this, [this, removal, label] {
            if (removal->failed() && !removal->notFound())
                setStatus(tr("Key \"%1\" forgotten, but the keychain said: %2")
                              .arg(label, removal->errorString()),
                    true);
        });
    }
    setStatus(tr("Key \"%1\" removed.").arg(label));
    loadKeys();
    Q_EMIT profilesChanged();
    return true;
}

bool ProfilesDialog::setActiveKey(const QString &label)
{
    m_loading = true;
    const bool ok = m_registry->setActiveKey(m_current, label);
    m_loading = false;
    QString error;
    if (!ok || !m_registry->save(&error)) {
        if (ok)
            setStatus(tr("Could not save the profiles: %1").arg(error), true);
        return false;
    }
    setStatus(tr("Key \"%1\" is now active.").arg(label));
    loadKeys();
    Q_EMIT profilesChanged();
    return true;
}

void ProfilesDialog::testKey(const QString &label)
{
    if (m_tester || m_current.isEmpty())
        return;
    if (m_dirty && !commit())
        return;
    const std::optional<Settings::ProfileEntry> entry = m_registry->profile(m_current);
    if (!entry)
        return;
    QString ref = entry->profile.keyRef; // the env: row has no label
    if (!label.isEmpty()) {
        const Settings::ProfileEntry::Key *k = entry->key(label);
        if (!k)
            return;
        ref = k->ref;
    }
    const QString profileName = m_current;
    m_testResult->setStyleSheet(QString());
    m_testResult->setText(tr("Testing…"));
    m_testKey->setEnabled(false);
    const auto finish = [this, profileName, label](const Secrets::KeyTestResult &r) {
        QString colour;
        QString verdict;
        switch (r.verdict) {
        case Secrets::KeyTestResult::Verdict::Accepted:
            verdict = tr("Accepted");
            colour = QStringLiteral("#107c10");
            break;
        case Secrets::KeyTestResult::Verdict::Refused:
            verdict = tr("Refused");
            colour = QStringLiteral("#c42b1c");
            break;
        case Secrets::KeyTestResult::Verdict::Unknown:
            verdict = tr("Unknown");
            colour = QStringLiteral("#9d5d00");
            break;
        }
        if (profileName == m_current) {
            m_testResult->setStyleSheet(QStringLiteral("color: %1;").arg(colour));
            m_testResult->setText(QStringLiteral("%1 — %2").arg(verdict, r.message));
        }
        updateKeyButtons();
        Q_EMIT keyTested(profileName, label, r);
    };
    Secrets::KeyOperation *read = m_store->readKey(ref);
    connect(read, &Core::Operation::result, this, [this, read, entry, finish] {
        if (read->failed()) {
            finish({ Secrets::KeyTestResult::Verdict::Unknown, 0,
                read->notFound() ? tr("The key is not in the keychain any more; add it again.")
                                 : tr("The key could not be read: %1").arg(read->errorString()) });
            return;
        }
        Core::Profile profile = entry->profile;
        profile.apiKey = read->key();
        m_tester = new Secrets::KeyTester(m_nam, profile, this);
        connect(m_tester, &Core::Operation::result, this, [this, finish] {
            const Secrets::KeyTestResult outcome = m_tester->outcome();
            m_tester = nullptr; // auto-deleted after result()
            finish(outcome);
        });
        m_tester->start();
    });
}

void ProfilesDialog::done(int result)
{
    if (m_dirty && !commit())
        return; // stay open so the user sees why
    QDialog::done(result);
}

} // namespace Ui
