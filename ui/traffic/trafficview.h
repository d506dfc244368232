#pragma once

#include <QPointer>
#include <QString>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QToolButton;

namespace Net {
class TrafficLog;
}

namespace Ui {

class TrafficModel;
class TrafficProxyModel;

// The Traffic tab: one job's entries from a Net::TrafficLog (setJob()) in a table, the selected
// entry's headers and body below it (JSON pretty-printed), filter buttons for HTTP / SSE /
// WebSocket / Webhook, and "Copy as curl" for request entries (the key stays "$JOBSCOPE_KEY").
// The log is not owned and may be null (an empty view). New entries are picked up at most every
// ~100 ms, in one batch, whatever the rate they are recorded at.
class TrafficView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficView)

public:
    explicit TrafficView(Net::TrafficLog *log, QWidget *parent = nullptr);
    ~TrafficView() override;

    void setJob(const QString &jobId);
    QString job() const { return m_job; }

    TrafficModel *model() const { return m_model; }
    TrafficProxyModel *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    QString detailText() const;
    // Applies pending entries now instead of at the next coalescing tick.
    void flush();
    // The curl of the selected entry ("" unless it is a request); copyAsCurl() puts it on the
    // clipboard.
    QString selectedCurl() const;
    void copyAsCurl();

    static constexpr int CoalesceMs = 100;

private:
    void onRecorded(const QString &jobId, quint64 seq);
    void reload();
    void updateDetail();
    void applyFilter();
    static QString prettyBody(const QByteArray &body);

    QPointer<Net::TrafficLog> m_log;
    QString m_job;
    TrafficModel *m_model;
    TrafficProxyModel *m_proxy;
    QTableView *m_table;
    QPlainTextEdit *m_detail;
    QPushButton *m_copyCurl;
    QLabel *m_count;
    QList<QToolButton *> m_filters;
    QTimer m_coalesce;
    bool m_needsReload = false;
};

} // namespace Ui
