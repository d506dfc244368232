#pragma once

#include <QObject>
#include <QSettings>
#include <QString>
#include <QVariant>
#include <optional>

namespace Settings {

// The app's typed settings over one INI file (QSettings), each key declared once in
// appsettings.cpp with its default and limits; enums are stored by name ("theme=Dark"), so the
// file stays readable and survives reordered enums. Out-of-range values read back clamped; an
// unknown enum name reads back as the default. Window state (geometry, splitters, header state)
// goes through value()/setValue(), kept apart in the [window] group. Never holds a key.
//
// Every setter writes through to QSettings (flushed on sync() or destruction) and emits changed()
// with the key's name when the stored value changed. Not thread-safe.
class AppSettings final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppSettings)

public:
    enum class Theme { System, Light, Dark };
    Q_ENUM(Theme)

    // $XDG_CONFIG_HOME/jobscope/jobscope.ini (~/.config when unset).
    static QString defaultPath();

    explicit AppSettings(const QString &path = defaultPath(), QObject *parent = nullptr);
    ~AppSettings() override;

    QString path() const { return m_settings.fileName(); }

    // Where results are saved; default QStandardPaths' Pictures folder + "/Jobscope" (the
    // download layer picks a subfolder per output type).
    QString libraryFolder() const;
    void setLibraryFolder(const QString &folder);
    bool autoDownload() const; // default true
    void setAutoDownload(bool on);
    int parallelDownloads() const; // default 3, 1..16
    void setParallelDownloads(int n);
    int pollFirstMs() const; // default 2000, 500..60000
    void setPollFirstMs(int ms);
    int pollMaxMs() const; // default 30000, 1000..600000, never below pollFirstMs()
    void setPollMaxMs(int ms);
    Theme theme() const; // default System
    void setTheme(Theme theme);
    bool notifications() const; // default true
    void setNotifications(bool on);

    // Window state: geometry, splitter sizes, header state … (stored under "window/<key>").
    QVariant value(const QString &key, const QVariant &defaultValue = {}) const;
    void setValue(const QString &key, const QVariant &value);

    // Writes pending changes to the file; false when the file cannot be written.
    bool sync();

    static QString themeName(Theme theme);
    static std::optional<Theme> themeFromName(const QString &name);

Q_SIGNALS:
    void changed(const QString &key);

private:
    void store(const QString &key, const QVariant &value);

    mutable QSettings m_settings;
};

} // namespace Settings
