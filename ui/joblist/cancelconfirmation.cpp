#include "joblist/cancelconfirmation.h"

#include "tracker/jobtracker.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>

namespace Ui {

namespace {
QString tr(const char *text, int n = -1)
{
    return QCoreApplication::translate("Ui::CancelConfirmation", text, nullptr, n);
}
} // namespace

CancelConfirmation::CancelConfirmation(const Tracker::JobTracker *tracker, const QStringList &ids,
    std::function<bool(const QString &profile)> isSandbox)
{
    for (const QString &id : ids) {
        const Tracker::TrackedJob *job = tracker ? tracker->job(id) : nullptr;
        Entry entry;
        entry.id = id;
        if (!job) {
            entry.verdict
                = { false, Core::CancelPolicy::Route::None, tr("not in the list any more") };
        } else {
            const bool sandbox = isSandbox && isSandbox(job->profile);
            entry.verdict
                = Core::CancelPolicy::check(job->dialect, job->state, job->rawStatus, sandbox);
        }
        m_entries.append(entry);
    }
}

QStringList CancelConfirmation::cancellable() const
{
    QStringList ids;
    for (const Entry &e : m_entries) {
        if (e.verdict.can)
            ids << e.id;
    }
    return ids;
}

Core::CancelPolicy::Route CancelConfirmation::routeOf(const QString &id) const
{
    for (const Entry &e : m_entries) {
        if (e.id == id)
            return e.verdict.route;
    }
    return Core::CancelPolicy::Route::None;
}

QString CancelConfirmation::title() const
{
    const qsizetype n = cancellable().size();
    return n == 0 ? tr("Nothing to cancel") : tr("Cancel %n job(s)?", int(n));
}

QString CancelConfirmation::text() const
{
    QStringList yes;
    QStringList no;
    for (const Entry &e : m_entries) {
        if (e.verdict.can)
            yes << e.id;
        else
            no << e.id + QStringLiteral(": ") + e.verdict.reason;
    }
    auto bullets = [](const QStringList &lines) {
        QString out;
        const qsizetype shown = std::min<qsizetype>(lines.size(), MaxNamed);
        for (qsizetype i = 0; i < shown; ++i)
            out += QStringLiteral("\n  \u2022 ") + lines.at(i);
        if (lines.size() > shown)
            out += QStringLiteral("\n  \u2026 ") + tr("and %n more", int(lines.size() - shown));
        return out;
    };
    QString text;
    if (!yes.isEmpty())
        text += tr("These jobs will be cancelled:", int(yes.size())) + bullets(yes);
    if (!no.isEmpty()) {
        if (!text.isEmpty())
            text += QStringLiteral("\n\n");
        text += tr("These jobs cannot be cancelled:", int(no.size())) + bullets(no);
    }
    return text;
}

QStringList CancelConfirmation::ask(QWidget *parent) const
{
    const QStringList ids = cancellable();
    QMessageBox box(parent);
    box.setWindowTitle(title());
    box.setText(title());
    box.setInformativeText(text());
    if (ids.isEmpty()) {
        box.setIcon(QMessageBox::Information);
        box.setStandardButtons(QMessageBox::Ok);
        box.exec();
        return {};
    }
    box.setIcon(QMessageBox::Question);
    QPushButton *yes
        = box.addButton(tr("Cancel %n job(s)", int(ids.size())), QMessageBox::DestructiveRole);
    QPushButton *keep = box.addButton(tr("Keep running"), QMessageBox::RejectRole);
    box.setDefaultButton(keep);
    box.setEscapeButton(keep);
    box.exec();
    return box.clickedButton() == yes ? ids : QStringList();
}

} // namespace Ui
