#pragma once

#include "peelbuilds/buildendpoint.h"
#include "peelbuilds/buildresult.h"

#include <QList>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace Ui {

// The runtime console of a completed Peel build: pick an endpoint, edit its JSON input (starting
// from the input schema's defaults / examples), Call; the runtime envelope comes back
// pretty-printed with the HTTP status, the round trip and the service's execution_time.
// It only asks: callRequested() is emitted with valid JSON, and the owner sends the request
// and hands the answer to showResult().
class PeelCallConsole final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PeelCallConsole)

public:
    explicit PeelCallConsole(QWidget *parent = nullptr);

    // Keeps the chosen endpoint and its edited input when the same endpoint is offered again.
    void setEndpoints(const QList<PeelBuilds::BuildEndpoint> &endpoints);
    QString currentEndpoint() const;
    void setCurrentEndpoint(const QString &name);
    void setInputText(const QString &json);
    QString inputText() const;
    // While a call is in flight the Call button is disabled.
    void setBusy(bool busy);
    void showResult(const PeelBuilds::BuildResult &result, const QString &redactedBody,
        const QString &redactedError);
    QString resultText() const;

Q_SIGNALS:
    void callRequested(const QString &endpoint, const QJsonObject &input);

private:
    void endpointChosen();
    void resetInput();
    void requestCall();

    QList<PeelBuilds::BuildEndpoint> m_endpoints;
    QComboBox *m_endpoint;
    QLabel *m_description;
    QPlainTextEdit *m_input;
    QPushButton *m_reset;
    QPushButton *m_call;
    QLabel *m_status;
    QPlainTextEdit *m_result;
    bool m_busy = false;
};

} // namespace Ui
