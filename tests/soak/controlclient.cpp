#include "controlclient.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace Soak {

namespace {

ControlClient::Answer answerOf(QNetworkReply *reply)
{
    ControlClient::Answer a;
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.body = reply->readAll();
    a.json = QJsonDocument::fromJson(a.body).object();
    if (reply->error() != QNetworkReply::NoError && a.status == 0)
        a.error = reply->errorString();
    return a;
}

ControlClient::Answer wait(QNetworkReply *reply, int timeoutMs)
{
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs + 1000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    if (!reply->isFinished())
        reply->abort();
    ControlClient::Answer a = answerOf(reply);
    reply->deleteLater();
    return a;
}

} // namespace

ControlClient::ControlClient(QNetworkAccessManager *nam)
    : m_nam(nam)
{ }

void ControlClient::setTarget(const QString &controlUrl, const QByteArray &token)
{
    m_controlUrl = controlUrl;
    m_token = token;
}

QNetworkRequest ControlClient::request(const QString &route) const
{
    QNetworkRequest req { QUrl(m_controlUrl + route) };
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    if (!m_token.isEmpty())
        req.setRawHeader("X-Sandbox-Token", m_token);
    req.setTransferTimeout(15000);
    return req;
}

void ControlClient::post(
    const QString &route, const QJsonObject &body, std::function<void(const Answer &)> done)
{
    QNetworkReply *reply
        = m_nam->post(request(route), QJsonDocument(body).toJson(QJsonDocument::Compact));
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, done = std::move(done)] {
        const Answer a = answerOf(reply);
        reply->deleteLater();
        if (done)
            done(a);
    });
}

ControlClient::Answer ControlClient::getNow(const QString &route, int timeoutMs)
{
    QNetworkRequest req = request(route);
    req.setTransferTimeout(timeoutMs);
    return wait(m_nam->get(req), timeoutMs);
}

ControlClient::Answer ControlClient::fetchNow(
    const QString &url, const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    QNetworkRequest req { QUrl(url) };
    for (const auto &h : headers)
        req.setRawHeader(h.first, h.second);
    req.setTransferTimeout(timeoutMs);
    return wait(m_nam->get(req), timeoutMs);
}

} // namespace Soak
