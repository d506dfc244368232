#include "settings/appsettings.h"

#include <QDir>
#include <QMetaEnum>
#include <QStandardPaths>

namespace Settings {

namespace {

// Every setting, declared once: its key in the file, its default and its limits.
struct BoolSetting
{
    const char *key;
    bool fallback;
};
struct IntSetting
{
    const char *key;
    int fallback;
    int min;
    int max;
};

constexpr const char *LibraryFolderKey = "downloads/libraryFolder";
constexpr BoolSetting AutoDownload { "downloads/autoDownload", true };
constexpr IntSetting ParallelDownloads { "downloads/parallel", 3, 1, 16 };
constexpr IntSetting PollFirstMs { "polling/firstMs", 2000, 500, 60000 };
constexpr IntSetting PollMaxMs { "polling/maxMs", 30000, 1000, 600000 };
constexpr const char *ThemeKey = "appearance/theme";
constexpr AppSettings::Theme ThemeDefault = AppSettings::Theme::System;
constexpr BoolSetting Notifications { "notifications/enabled", true };
constexpr const char *WindowGroup = "window/";

QString key(const char *k)
{
    return QLatin1String(k);
}

} // namespace

QString AppSettings::defaultPath()
{
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.config");
    return base + QStringLiteral("/jobscope/jobscope.ini");
}

AppSettings::AppSettings(const QString &path, QObject *parent)
    : QObject(parent)
    , m_settings(path, QSettings::IniFormat)
{ }

AppSettings::~AppSettings() = default;

QString AppSettings::themeName(Theme theme)
{
    return QString::fromLatin1(QMetaEnum::fromType<Theme>().valueToKey(int(theme)));
}

std::optional<AppSettings::Theme> AppSettings::themeFromName(const QString &name)
{
    bool ok = false;
    const int v = QMetaEnum::fromType<Theme>().keyToValue(name.toLatin1().constData(), &ok);
    if (!ok)
        return std::nullopt;
    return Theme(v);
}

void AppSettings::store(const QString &k, const QVariant &v)
{
    if (m_settings.contains(k) && m_settings.value(k) == v)
        return;
    m_settings.setValue(k, v);
    Q_EMIT changed(k);
}

static bool readBool(const QSettings &s, const BoolSetting &def)
{
    const QVariant v = s.value(key(def.key));
    if (!v.isValid())
        return def.fallback;
    const QString text = v.toString().trimmed().toLower();
    if (text == QLatin1String("true") || text == QLatin1String("1"))
        return true;
    if (text == QLatin1String("false") || text == QLatin1String("0"))
        return false;
    return def.fallback;
}

static int readInt(const QSettings &s, const IntSetting &def)
{
    bool ok = false;
    const int v = s.value(key(def.key)).toInt(&ok);
    return ok ? qBound(def.min, v, def.max) : def.fallback;
}

QString AppSettings::libraryFolder() const
{
    const QString stored = m_settings.value(key(LibraryFolderKey)).toString();
    if (!stored.isEmpty())
        return stored;
    QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (pictures.isEmpty())
        pictures = QDir::homePath() + QStringLiteral("/Pictures");
    return pictures + QStringLiteral("/Jobscope");
}

void AppSettings::setLibraryFolder(const QString &folder)
{
    if (folder.isEmpty()) {
        if (m_settings.contains(key(LibraryFolderKey))) {
            m_settings.remove(key(LibraryFolderKey)); // back to the default
            Q_EMIT changed(key(LibraryFolderKey));
        }
        return;
    }
    store(key(LibraryFolderKey), QDir::cleanPath(folder));
}

bool AppSettings::autoDownload() const
{
    return readBool(m_settings, AutoDownload);
}

void AppSettings::setAutoDownload(bool on)
{
    store(key(AutoDownload.key), on);
}

int AppSettings::parallelDownloads() const
{
    return readInt(m_settings, ParallelDownloads);
}

void AppSettings::setParallelDownloads(int n)
{
    store(key(ParallelDownloads.key), qBound(ParallelDownloads.min, n, ParallelDownloads.max));
}

int AppSettings::pollFirstMs() const
{
    return readInt(m_settings, PollFirstMs);
}

void AppSettings::setPollFirstMs(int ms)
{
    store(key(PollFirstMs.key), qBound(PollFirstMs.min, ms, PollFirstMs.max));
}

int AppSettings::pollMaxMs() const
{
    return qMax(readInt(m_settings, PollMaxMs), pollFirstMs());
}

void AppSettings::setPollMaxMs(int ms)
{
    store(key(PollMaxMs.key), qBound(PollMaxMs.min, ms, PollMaxMs.max));
}

AppSettings::Theme AppSettings::theme() const
{
    return themeFromName(m_settings.value(key(ThemeKey)).toString()).value_or(ThemeDefault);
}

void AppSettings::setTheme(Theme theme)
{
    store(key(ThemeKey), themeName(theme));
}

bool AppSettings::notifications() const
{
    return readBool(m_settings, Notifications);
}

void AppSettings::setNotifications(bool on)
{
    store(key(Notifications.key), on);
}

QVariant AppSettings::value(const QString &k, const QVariant &defaultValue) const
{
    return m_settings.value(key(WindowGroup) + k, defaultValue);
}

void AppSettings::setValue(const QString &k, const QVariant &value)
{
    store(key(WindowGroup) + k, value);
}

bool AppSettings::sync()
{
    m_settings.sync();
    return m_settings.status() == QSettings::NoError;
}

} // namespace Settings
