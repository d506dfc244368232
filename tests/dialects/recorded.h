#pragma once

// Answers of the real jobscope-sandbox, recorded verbatim (bodies byte for byte, HTTP status in
// the comment) with Python's urllib against `jobscope-sandbox --port 0 --speed 10`; webhooks were
// received by a loopback HTTP server, Pusher frames by a raw WebSocket client subscribed to the
// private channel. Unit tests use them as data: no network at test time.

#include <QByteArray>
#include <QList>

namespace Recorded {
// HTTP 202
inline const QByteArray PeelApiSubmit = QByteArray(
    R"json({"data":{"created_at":"2026-11-22T09:41:20.814Z","error":null,"id":"job_cfeb68f890eac0dc","outputs":null,"progress":0,"status":"queued"},"errors":null})json");
// HTTP 200
inline const QByteArray PeelApiStatusProcessing = QByteArray(
    R"json({"data":{"created_at":"2026-11-22T09:41:22.032Z","error":null,"id":"job_c0115a58272a1324","outputs":null,"progress":0.4,"status":"processing"},"errors":null})json");
// HTTP 200
inline const QByteArray PeelApiStatusSucceeded = QByteArray(
    R"json({"data":{"created_at":"2026-11-22T09:41:20.814Z","error":null,"id":"job_cfeb68f890eac0dc","model_id":"portrait-1-pro","outputs":{"results":[{"url":"http://127.0.0.1:46849/peelapi/files/job_cfeb68f890eac0dc/output_1.png?expires=1795349122031&issued=1795340482031&signature=0cd86bdd33f0c8bc337ad271e0d1d2690f1e13b3"},{"url":"http://127.0.0.1:46849/peelapi/files/job_cfeb68f890eac0dc/output_2.png?expires=1795349122031&issued=1795340482031&signature=6220bca9828d157e181cf7e22e172b6a73105de1"}]},"progress":1,"request_duration_s":1.216,"status":"succeeded"},"errors":null})json");
// HTTP 200
inline const QByteArray PeelApiStatusFailed = QByteArray(
    R"json({"data":{"created_at":"2026-11-22T09:41:22.032Z","error":{"code":"no_face_detected","message":"No face was detected in the input image","retryable":false},"id":"job_c0115a58272a1324","outputs":null,"progress":0.4,"status":"failed"},"errors":null})json");
// HTTP 200
inline const QByteArray PeelApiStream = QByteArray(R"json(retry: 1000

id: 1
event: status
data: {"output":null,"progress":0,"status":"queued"}

id: 2
event: log
data: {"created_at":"2026-11-22T09:41:20.814Z","level":"info","message":"Job queued"}

id: 3
event: status
data: {"output":null,"progress":0,"status":"processing"}

id: 4
event: log
data: {"created_at":"2026-11-22T09:41:20.818Z","level":"info","message":"Processing input"}

id: 5
event: status
data: {"output":null,"progress":0.0333,"status":"processing"}

id: 6
event: log
data: {"created_at":"2026-11-22T09:41:20.998Z","level":"info","message":"Running model inference"}

id: 7
event: log
data: {"created_at":"2026-11-22T09:41:21.238Z","level":"info","message":"Post-processing"}

id: 8
event: log
data: {"created_at":"2026-11-22T09:41:21.418Z","level":"info","message":"Uploading outputs"}

id: 9
event: status
data: {"output":null,"progress":1,"status":"processing"}

id: 10
event: result
data: {"images":[{"full":"http://127.0.0.1:46849/peelapi/files/job_cfeb68f890eac0dc/output_1.png?expires=1795349122030&issued=1795340482030&signature=df06f236797c93be0366ab2bbf34703c8123ae88","w1024":"http://127.0.0.1:46849/peelapi/files/job_cfeb68f890eac0dc/output_1_w1024.png?expires=1795349122030&issued=1795340482030&signature=9ff7740b50c8bf8c6e68c2394c2ced2bb46d4d78","w256":"http://127.0.0.1:46849/peelapi/files/job_cfeb68f890eac0dc/output_1_w256.png?expires=1795349122030&issued=1795340482030&signature=03b3bf67469d9c4afcdd670cdb51db12adcb11bc","w512":"http://127.0.0.1:46849/peelapi/files/job_cfeb68f890eac0dc/output_1_w512.png?expires=1795349122030&issued=1795340482030&signature=de7a992697cbadfb744f13e41abd2d3fefc8a393"}],"model_id":"portrait-1-pro","request_duration_s":1.216,"style_id":123}

id: 11
event: result
data: {"images":[{"full":"http://127.0.0.1:46849/peelapi/files/job_cfeb68f890eac0dc/output_2.png?expires=1795349122030&issued=1795340482030&signature=e1c6e127d923194188299ced3ab682ab428102fd","w1024":"http://127.0.0.1:46849/peelapi/files/job_cfeb68f890eac0dc/output_2_w1024.png?expires=1795349122030&issued=1795340482030&signature=d83c38197a67af77563519cba23df679abfe69f2","w256":"http://127.0.0.1:46849/peelapi/files/job_cfeb68f890eac0dc/output_2_w256.png?expires=1795349122030&issued=1795340482030&signature=c786f3022d4531c14c0c89ee04248609e3e658aa","w512":"http://127.0.0.1:46849/peelapi/files/job_cfeb68f890eac0dc/output_2_w512.png?expires=1795349122030&issued=1795340482030&signature=27a0b248f5fa1c1c6af82c11f9dcea3d3daae05e"}],"model_id":"portrait-1-pro","request_duration_s":1.216,"style_id":123}

id: 12
event: status
data: {"output":null,"progress":1,"status":"succeeded"}

id: 13
event: end
data: succeeded

)json");
// HTTP 200
inline const QByteArray PeelApiStreamFailedTail = QByteArray(R"json(retry: 1000

id: 4
event: log
data: {"created_at":"2026-11-22T09:41:22.038Z","level":"info","message":"Processing input"}

id: 5
event: status
data: {"output":null,"progress":0.0333,"status":"processing"}

id: 6
event: log
data: {"created_at":"2026-11-22T09:41:22.218Z","level":"info","message":"Running model inference"}

id: 7
event: log
data: {"created_at":"2026-11-22T09:41:22.288Z","level":"error","message":"No face was detected in the input image"}

id: 8
event: status
data: {"error":{"code":"no_face_detected","message":"No face was detected in the input image","retryable":false},"output":null,"progress":0.4,"status":"failed"}

id: 9
event: end
data: failed

)json");
// HTTP 401
inline const QByteArray PeelApi401 = QByteArray(
    R"json({"data":null,"errors":[{"code":"unauthorized","message":"Missing or invalid API key (Authorization: Bearer ...)"}]})json");
// HTTP 404
inline const QByteArray PeelApi404 = QByteArray(
    R"json({"data":null,"errors":[{"code":"not_found","message":"Job job_nope not found"}]})json");
// HTTP 404
inline const QByteArray PeelApi404Endpoint = QByteArray(
    R"json({"data":null,"errors":[{"code":"unknown_endpoint","message":"There is no endpoint /v1/nonsense"}]})json");
// HTTP 422
inline const QByteArray PeelApi422 = QByteArray(
    R"json({"data":null,"errors":[{"code":"invalid_request","message":"prompt: is required"}]})json");
// HTTP 202
inline const QByteArray IpSubmit = QByteArray(
    R"json({"endpoint":"/generate/image/v1","estimated_time_seconds":1,"job_id":"job_5524468d83c7","queued_at":"2026-11-22T09:41:22.292Z","status":"queued"})json");
// HTTP 200
inline const QByteArray IpStatusQueued = QByteArray(
    R"json({"credits_amount":0,"credits_charged":false,"endpoint":"/generate/image/v1","job_id":"job_5524468d83c7","progress":0,"status":"queued","total_elapsed_seconds":0.001})json");
// HTTP 200
inline const QByteArray IpStatusPending = QByteArray(
    R"json({"credits_amount":0,"credits_charged":false,"endpoint":"/generate/image/v1","job_id":"job_5524468d83c7","progress":0,"status":"pending","total_elapsed_seconds":0.002})json");
// HTTP 200
inline const QByteArray IpStatusProcessing = QByteArray(
    R"json({"credits_amount":0,"credits_charged":false,"endpoint":"/generate/image/v1","inference_time_seconds":0.302,"job_id":"job_5524468d83c7","progress":41,"queue_wait_seconds":0.002,"status":"processing","total_elapsed_seconds":0.304})json");
// HTTP 200
inline const QByteArray IpStatusCompleted = QByteArray(
    R"json({"credits_amount":1,"credits_charged":true,"endpoint":"/generate/image/v1","inference_time_seconds":0.755,"job_id":"job_5524468d83c7","progress":100,"queue_wait_seconds":0.002,"result_mime_type":"image/webp","result_size_bytes":2432,"result_url":"http://127.0.0.1:46849/imagepipeline/files/job_5524468d83c7/result.webp?expires=1795349123065&issued=1795340483065&signature=ee544eae3e6bddd811e26c41e323ceb317b4a82b","status":"completed","total_elapsed_seconds":0.757})json");
// HTTP 200
inline const QByteArray IpStatusFailed = QByteArray(
    R"json({"credits_amount":0,"credits_charged":false,"endpoint":"/generate/image/v1","error":"The worker ran out of GPU memory","failure_reason_code":"OUT_OF_MEMORY","inference_time_seconds":0.364,"job_id":"job_90686c439f57","progress":49,"queue_wait_seconds":0.114,"retryable":true,"status":"failed","total_elapsed_seconds":0.478})json");
// HTTP 200
inline const QByteArray IpStatusCancelled = QByteArray(
    R"json({"credits_amount":0,"credits_charged":false,"endpoint":"/generate/image/v1","job_id":"job_6bb14bfe5e8e","progress":0,"status":"cancelled","total_elapsed_seconds":0.001})json");
// HTTP 200
inline const QByteArray IpWebhookCompleted = QByteArray(
    R"json({"job_id":"job_5524468d83c7","result_base64":"UklGRngJAABXRUJQVlA4IGwJAABQQQCdASoAAQABPpFGnkslo6KlJDVZsLASCWVuc+k9+4AshsQi9HPTvS4e/uXVRnF85P2u/6kUcyL1dfzr0R+ez5+G+Ab0J/i7cLfY+GfzfOBzD/r95fakVD8l0N5GD/NYvWTlAlG4h8/8/Hdn7Ub3F3xvUw7yIvfYEwwfM3ngMAlnf7mKIULY6D4BfLXjOk7nGzX2V7PKFltw34QX85UswRro0NBFOrNonSFPKefGjp+4pIBEy3wAg6Wd/uU3lEhQenJ76QzD83RqeoudW4cKsXq/8DxRnMkwJcTBTt9kMcapc2FzH+7DP//W0L8sP+gwyykzkh3qeLVVsUAstYiP8Ia101HzbILdkCN4nZ//YaxycFUCQnkE2v/E1mc+ROnNAAfmzHtZ/9WW4jHlA2hhdJEfJ8nYSVHefw/x0yz/9+KQBa/R3spJe73e5tQPGi9Fqb/zP34vfvD++IxN/GReTYDaY3BxhdNRmKhR8HOxW+yPy3q1c5Wlb1X6zskG8+N2rp3YUL0n/UCgDRtypJIFge2xfqFycyuXTr/mvvgN83P32WaECYHw8mahY97JQOt1+VumMgqZFFgL14nL2JeS+nQiSzOP0uJZrYfa/98bcsv7vvj8s9gI4lQmnCTAchlvzvav03585S79Knnbbb9+kCvCYbf2ud+S0r9fPkNBQITEilg5YDr0G71oLhsIOReIHQAA/rWEy71qGw8B623fHEAxl9UuA56ZeBjWyjMw3rV+P2DfTGKMjYTGrNxkfY5WO38CYu6JLhJVYbg51zv92CLW/rw/A9Hzdwu37NsOu5LyLZWNqpLrXr/gISYGogAy/gKrHDAEo1VvCpx6nIXERbNsfnrQp8CU+rAAC473Jj/CXvpospJ2plAba1UBH6kCzAOxMFLYl15R1AUDh1eq7yGssxPdGXf+ntvP0eO8Eb732IA8YHThdCInjZJNSHflPvqNo9iAcdNt98a+pd6mXVVnZjRtoce+oXGk0npsnFwV3I54YKEwWnqm4ajJ7U273YsSwEQ/jhpncKD5v5gNtF8U0imaicy4a8S6pNqtwcW8DL4k7Y5i4n01ngHfyLiFVyovZqwhcUCFUgjbiOtGhZxJT/pMKdDivaKmHpP5jKXVga5tFJD851cThvYgQR/j0pRxsOaWBHkcBpThMAa5ICzCXqGwieavqmsLeORQ2ta0oXIw/1ABMiaHIuXp0Se1YA2UboxOwFe/393IZwxFHcZzVRVkYQsgEo2XgY5L4vhAnpgiIl3WaOflVBG02mVj34vZDSu5FLhyw3ko2qNpwsVjBVA/14qKuKntywyimjrCac/OjLZoo6W3AsfGP64TAL+hrD24gHA/KML3qU6yAUg7QSjCjMpT0S2d4JSV9DN+VbNmq81fcuwHQal6U5qQfzW841oV76u3cBv5Z6kVO88PW75TblOHpL6X9MFRzdyU0l7ANkVzyOxLG4hZUOFnJiboJ2jhKmXDGhRp97PqpDXBEoim9sbqZyDgws6IAXc8S8M4cLCFjKygkGBog6GRF12PSY68xux8gAomSO0A3IxeEzDTLVTxAvqUR+DvSplktctapkxQbv70tfaTYO7q7rPj42KlRgOhn0Fovt7SVEM02hQPJx7ZcZkIGM/daw7ENyBKAlmHg4fVwUA3rme1z7xWDkQLihypPzwEjUmOZHT5U4YvIxEifBkqgX2XLCcxBQ5XmTK4MlQBf4iPXxZg4Bv2z4O9drFBiyzaHW2yiulFUvuUYlcScaUKKUkEEX+tCQVLfErSMapz8c/3AWOuPlQguXzIrsQFl83WcoQQPcp3Cd3Pz+s+RgBpZPaWBJYv9VUv9UV/u28IMfi4aFlRT252vxVYX4fuK9H+cn8a3/MMIToGcpgWn7wPdjOMs/c3mEM8/wIocNxNoI1WQ+FEKnM8tmv6jno3Dsk6tLtRhIi/dbps5g6En/g5p32HE+wzn7PmI90LMo7rp2c6r0enMeOE7vX7JOihVsQJuxmDcmmfzGa9uTVDmv/pbJXf8H9IFXYfnVMZU/rz+ecRJvkOUf7CAzzJ1EouYU61KULK4OavfLvMSvP89Azh+jQxyOSZT6VZ9MY/T3tCgAlU+GnIYN6iK6RbrlUfkyv+w6NQFfg4RiDfwxCJaW3PKEZfyaNksbp68ORLmCsgVCzSCXI2cqRZSj96GuP5NYYNnX2o9tl19WCN/p0z/rXUizhO+XazPLPPIgnwHgz5ZuIHeCtOlacsBcJphIlcioj3Vm0zeUfEmsDjv7K8ABLBo99zwIPjef/JSR1gOB2dc7tvFH9Ew+ai5PGYPiC3QDiMJBlI9iJrji6KqPAQq33dzVCCw91fjBlsZ0n0h32MxVVz0o20EWc32uTlzFu89MbGeQkn7GjOB5fqtTnxcKLJ3qGG4RLxKXd6nbnQ7ksAXncSg9nA58r0aHaEKBG7NHnIhI5982kp0NZElESHLlDVZzVSfZoWnQAdM0R+9Dt6teHuzzDt0t3mUYQIIHRB6zZiVTPdTByuv1F6UNo3DQKLC/Xv1pgvOaCFUXKtA3TtPy5FSvVE69vCKCO+dt+/DOFF7pyII5zxf2caVyFBxkGRgR5Sz/fBeZz2dp7EcX6LjeOrnJ3yN8zkHLTVXVa2y39/o50JM/nYT5psVZ9UOVVQz7R0zstbzuWBT0Uy5EczaIrsokRC3e1UajCyMhBtXxu1GK3mBjqlJ3QSmNg56dSA7BsnxUTQoY0P+WqU1o6fJVpU1mzv/6B6n6IxW5w2YJKcgMMY8Z2g6pu1gkXeUJPdkD8tIv8FtNrkX0i4elHbIL4VMxhiejtUzTY+BKxF5JjEPqS7ZKFXKJ2RcptvrbT35JrQ6NaXmylo4CqvrNq78fQbf4YIDif24/Cemc52kc79HECJe7ZqkacGzs+Qqo5PJBGP7oyTH/afGLa9Bb+dtwFpg+ZIWIATjgTjjcT5D+A59hFL9C30WH945GiOrPioPbtlbt0kJn7Ct0PyG7EuqrZ1eIOWqSRpBDbi+4+V1KP3hx6dz7aP08Sh0NNPAHQc+hp7zFMti3sQN80Q+cscZhYK8CSM13TmSnIJJf7F5iOO2Ps0d6Yfl8cERx+pYsVeDHCZkVfo6KzhOkaPjcKEzWIC00wBcFFS3QAoRVyy7RnJeA/igVvVgkF0A4Z0gwbxYPgOqX3IHOBJ31cHq/32b3K1XjYauUH27OBNYvCKwAA=","result_mime_type":"image/webp","result_size_bytes":2432,"result_url":"http://127.0.0.1:46849/imagepipeline/files/job_5524468d83c7/result.webp?expires=1795349123049&issued=1795340483049&signature=9a5fb2487097e06e70782ded732e0f1ef9809f9c","status":"completed","timestamp":1795340483,"user_id":"usr_sandbox"})json");
// HTTP 200
inline const QByteArray IpWebhookFailed = QByteArray(
    R"json({"error":"The worker ran out of GPU memory","failure_reason_code":"OUT_OF_MEMORY","job_id":"job_90686c439f57","retryable":true,"status":"failed","timestamp":1795340483,"user_id":"usr_sandbox"})json");
// HTTP 404
inline const QByteArray Ip404Job = QByteArray(
    R"json({"error":"Job job_5524468d83c7 not found for /edit/image/v1","failure_reason_code":"JOB_NOT_FOUND","retryable":false})json");
// HTTP 401
inline const QByteArray Ip401 = QByteArray(
    R"json({"error":"Missing or invalid X-API-Key header","failure_reason_code":"UNAUTHORIZED","retryable":false})json");
// HTTP 404
inline const QByteArray Ip404Endpoint = QByteArray(
    R"json({"error":"There is no compute endpoint /nope/v9","failure_reason_code":"UNKNOWN_ENDPOINT","retryable":false})json");
// HTTP 422
inline const QByteArray Ip422 = QByteArray(
    R"json({"error":"prompt: is required; width: must be at least 64","failure_reason_code":"INVALID_INPUT","retryable":false})json");
// HTTP 201
inline const QByteArray PeelCreate = QByteArray(
    R"json({"auth_mode":"public","build":{"finished_at":null,"number":1,"started_at":null},"created_at":"2026-11-22T09:41:23.597Z","endpoints":[],"id":"api_e61155f24565323d","instructions":"Get top stories with title, score, and author","links":{"endpoint_call_template":"/v1/apis/api_e61155f24565323d/endpoints/{endpoint_name}:call","health":"/v1/apis/api_e61155f24565323d/health","mcp_export":"/v1/apis/api_e61155f24565323d/exports/mcp","openapi_export":"/v1/apis/api_e61155f24565323d/exports/openapi","rebuild":"/v1/apis/api_e61155f24565323d/rebuild","respond":"/v1/apis/api_e61155f24565323d/respond","revise":"/v1/apis/api_e61155f24565323d/revise","self":"/v1/apis/api_e61155f24565323d"},"matched":false,"requires_session":false,"source_url":"https://news.ycombinator.com","status":"queued","updated_at":"2026-11-22T09:41:23.597Z"})json");
// HTTP 200
inline const QByteArray PeelCreateMatchedWait = QByteArray(
    R"json({"auth_mode":"public","build":{"finished_at":"2026-11-22T09:41:24.398Z","number":1,"started_at":"2026-11-22T09:41:23.598Z"},"created_at":"2026-11-22T09:41:23.597Z","endpoints":[{"auth_requirement":"public","credit_cost":1,"description":"Get top stories with title, score, and author","endpoint_name":"get_top_stories","endpoint_type":"data","input_schema":{"additionalProperties":false,"properties":{"limit":{"default":10,"description":"How many items to return","maximum":100,"minimum":1,"type":"integer"}},"type":"object"},"method":"GET","output_schema":{"properties":{"items":{"items":{"properties":{"author":{"type":"string"},"score":{"type":"integer"},"title":{"type":"string"}},"type":"object"},"type":"array"}},"type":"object"},"runtime_policy":{"environment":"none","filesystem":"none","imports":[],"network":["news.ycombinator.com"],"timeout_ms":10000},"runtime_verification":{"field_coverage":1,"item_count":10,"missing_fields":[],"observed_fields":["title","score","author"],"reason":null,"status":"verified"}}],"id":"api_e61155f24565323d","instructions":"Get top stories with title, score, and author","links":{"endpoint_call_template":"/v1/apis/api_e61155f24565323d/endpoints/{endpoint_name}:call","health":"/v1/apis/api_e61155f24565323d/health","mcp_export":"/v1/apis/api_e61155f24565323d/exports/mcp","openapi_export":"/v1/apis/api_e61155f24565323d/exports/openapi","rebuild":"/v1/apis/api_e61155f24565323d/rebuild","respond":"/v1/apis/api_e61155f24565323d/respond","revise":"/v1/apis/api_e61155f24565323d/revise","self":"/v1/apis/api_e61155f24565323d"},"matched":true,"requires_session":false,"source_url":"https://news.ycombinator.com","status":"completed","updated_at":"2026-11-22T09:41:24.399Z"})json");
// HTTP 200
inline const QByteArray PeelRecordQueued = QByteArray(
    R"json({"auth_mode":"public","build":{"finished_at":null,"number":1,"started_at":null},"created_at":"2026-11-22T09:41:24.415Z","endpoints":[],"id":"api_6fb9136db90910dd","instructions":"List products with name and price","links":{"endpoint_call_template":"/v1/apis/api_6fb9136db90910dd/endpoints/{endpoint_name}:call","health":"/v1/apis/api_6fb9136db90910dd/health","mcp_export":"/v1/apis/api_6fb9136db90910dd/exports/mcp","openapi_export":"/v1/apis/api_6fb9136db90910dd/exports/openapi","rebuild":"/v1/apis/api_6fb9136db90910dd/rebuild","respond":"/v1/apis/api_6fb9136db90910dd/respond","revise":"/v1/apis/api_6fb9136db90910dd/revise","self":"/v1/apis/api_6fb9136db90910dd"},"requires_session":false,"source_url":"https://example.com/shop","status":"queued","updated_at":"2026-11-22T09:41:24.415Z"})json");
// HTTP 200
inline const QByteArray PeelRecordRunning = QByteArray(
    R"json({"auth_mode":"public","build":{"finished_at":null,"number":1,"started_at":"2026-11-22T09:41:24.421Z"},"created_at":"2026-11-22T09:41:24.415Z","endpoints":[],"id":"api_6fb9136db90910dd","instructions":"List products with name and price","links":{"endpoint_call_template":"/v1/apis/api_6fb9136db90910dd/endpoints/{endpoint_name}:call","health":"/v1/apis/api_6fb9136db90910dd/health","mcp_export":"/v1/apis/api_6fb9136db90910dd/exports/mcp","openapi_export":"/v1/apis/api_6fb9136db90910dd/exports/openapi","rebuild":"/v1/apis/api_6fb9136db90910dd/rebuild","respond":"/v1/apis/api_6fb9136db90910dd/respond","revise":"/v1/apis/api_6fb9136db90910dd/revise","self":"/v1/apis/api_6fb9136db90910dd"},"requires_session":false,"source_url":"https://example.com/shop","status":"running","updated_at":"2026-11-22T09:41:24.439Z"})json");
// HTTP 200
inline const QByteArray PeelRecordNeedsInput = QByteArray(
    R"json({"auth_mode":"public","build":{"finished_at":null,"number":1,"started_at":"2026-11-22T09:41:24.421Z"},"created_at":"2026-11-22T09:41:24.415Z","endpoints":[],"id":"api_6fb9136db90910dd","instructions":"List products with name and price","links":{"endpoint_call_template":"/v1/apis/api_6fb9136db90910dd/endpoints/{endpoint_name}:call","health":"/v1/apis/api_6fb9136db90910dd/health","mcp_export":"/v1/apis/api_6fb9136db90910dd/exports/mcp","openapi_export":"/v1/apis/api_6fb9136db90910dd/exports/openapi","rebuild":"/v1/apis/api_6fb9136db90910dd/rebuild","respond":"/v1/apis/api_6fb9136db90910dd/respond","revise":"/v1/apis/api_6fb9136db90910dd/revise","self":"/v1/apis/api_6fb9136db90910dd"},"requires_session":false,"source_url":"https://example.com/shop","status":"needs_input","updated_at":"2026-11-22T09:41:24.632Z","user_input_prompt":{"input_schema":{"properties":{"region":{"description":"Region whose listings to read","enum":["us","eu","asia"],"type":"string"}},"required":["region"],"type":"object"},"message":"The site shows a region selector before any data. Which region should the API read?"}})json");
// HTTP 200
inline const QByteArray PeelRecordCompleted = QByteArray(
    R"json({"auth_mode":"public","build":{"finished_at":"2026-11-22T09:41:24.398Z","number":1,"started_at":"2026-11-22T09:41:23.598Z"},"created_at":"2026-11-22T09:41:23.597Z","endpoints":[{"auth_requirement":"public","credit_cost":1,"description":"Get top stories with title, score, and author","endpoint_name":"get_top_stories","endpoint_type":"data","input_schema":{"additionalProperties":false,"properties":{"limit":{"default":10,"description":"How many items to return","maximum":100,"minimum":1,"type":"integer"}},"type":"object"},"method":"GET","output_schema":{"properties":{"items":{"items":{"properties":{"author":{"type":"string"},"score":{"type":"integer"},"title":{"type":"string"}},"type":"object"},"type":"array"}},"type":"object"},"runtime_policy":{"environment":"none","filesystem":"none","imports":[],"network":["news.ycombinator.com"],"timeout_ms":10000},"runtime_verification":{"field_coverage":1,"item_count":10,"missing_fields":[],"observed_fields":["title","score","author"],"reason":null,"status":"verified"}}],"id":"api_e61155f24565323d","instructions":"Get top stories with title, score, and author","links":{"endpoint_call_template":"/v1/apis/api_e61155f24565323d/endpoints/{endpoint_name}:call","health":"/v1/apis/api_e61155f24565323d/health","mcp_export":"/v1/apis/api_e61155f24565323d/exports/mcp","openapi_export":"/v1/apis/api_e61155f24565323d/exports/openapi","rebuild":"/v1/apis/api_e61155f24565323d/rebuild","respond":"/v1/apis/api_e61155f24565323d/respond","revise":"/v1/apis/api_e61155f24565323d/revise","self":"/v1/apis/api_e61155f24565323d"},"requires_session":false,"source_url":"https://news.ycombinator.com","status":"completed","updated_at":"2026-11-22T09:41:24.399Z"})json");
// HTTP 200
inline const QByteArray PeelRecordFailed = QByteArray(
    R"json({"auth_mode":"public","build":{"finished_at":"2026-11-22T09:41:24.637Z","number":1,"started_at":"2026-11-22T09:41:24.421Z"},"created_at":"2026-11-22T09:41:24.415Z","endpoints":[],"failure":{"artifact":{"billing":"not_billed","class":"evidence_insufficient","retryable":false,"suggested_action":"Revise the instructions to name data the page actually shows.","support_debug_id":"dbg_b1a428dd13d790e2ec7e"},"message":"No stable data surface was found for the instructions","non_publishable_reason":"no_stable_surface"},"failure_reason_code":"NO_STABLE_SURFACE","id":"api_6fb9136db90910dd","instructions":"List products with name and price","links":{"endpoint_call_template":"/v1/apis/api_6fb9136db90910dd/endpoints/{endpoint_name}:call","health":"/v1/apis/api_6fb9136db90910dd/health","mcp_export":"/v1/apis/api_6fb9136db90910dd/exports/mcp","openapi_export":"/v1/apis/api_6fb9136db90910dd/exports/openapi","rebuild":"/v1/apis/api_6fb9136db90910dd/rebuild","respond":"/v1/apis/api_6fb9136db90910dd/respond","revise":"/v1/apis/api_6fb9136db90910dd/revise","self":"/v1/apis/api_6fb9136db90910dd"},"requires_session":false,"source_url":"https://example.com/shop","status":"failed","updated_at":"2026-11-22T09:41:24.637Z"})json");
// HTTP 202
inline const QByteArray PeelRebuild = QByteArray(
    R"json({"auth_mode":"public","build":{"finished_at":null,"number":2,"started_at":"2026-11-22T09:41:24.638Z"},"created_at":"2026-11-22T09:41:24.415Z","endpoints":[],"id":"api_6fb9136db90910dd","instructions":"List products with name and price","links":{"endpoint_call_template":"/v1/apis/api_6fb9136db90910dd/endpoints/{endpoint_name}:call","health":"/v1/apis/api_6fb9136db90910dd/health","mcp_export":"/v1/apis/api_6fb9136db90910dd/exports/mcp","openapi_export":"/v1/apis/api_6fb9136db90910dd/exports/openapi","rebuild":"/v1/apis/api_6fb9136db90910dd/rebuild","respond":"/v1/apis/api_6fb9136db90910dd/respond","revise":"/v1/apis/api_6fb9136db90910dd/revise","self":"/v1/apis/api_6fb9136db90910dd"},"requires_session":false,"source_url":"https://example.com/shop","status":"running","updated_at":"2026-11-22T09:41:24.638Z"})json");
// HTTP 200
inline const QByteArray PeelCall = QByteArray(
    R"json({"data":{"items":[{"author":"user431","score":437,"title":"Title 1 from news.ycombinator.com"},{"author":"user112","score":115,"title":"Title 2 from news.ycombinator.com"}]},"error":null,"error_code":null,"execution_time":0.042421,"status":"success","status_code":200})json");
// HTTP 400
inline const QByteArray PeelCall400 = QByteArray(
    R"json({"data":null,"error":"limit: must be an integer, not a string","error_code":"INVALID_INPUT","execution_time":0,"status":"error","status_code":400})json");
// HTTP 409
inline const QByteArray PeelCall409
    = QByteArray(R"json({"error":"API api_6fb9136db90910dd is still building (running)"})json");
// HTTP 409
inline const QByteArray PeelRespond409 = QByteArray(
    R"json({"error":"API api_e61155f24565323d is completed; respond only works while it is needs_input"})json");
// HTTP 404
inline const QByteArray Peel404 = QByteArray(R"json({"error":"Unknown API nope"})json");
// HTTP 401
inline const QByteArray Peel401 = QByteArray(R"json({"error":"Missing or invalid X-API-Key"})json");
// HTTP 400
inline const QByteArray PeelRevise400
    = QByteArray(R"json({"error":"instructions: is required to revise an API"})json");
// HTTP 200
inline const QByteArray PeelHealthCompleted = QByteArray(
    R"json({"api_id":"api_e61155f24565323d","bindings":[{"calls":2,"endpoint_name":"get_top_stories","errors":1,"quality_score":0.5}],"quality_score":0.5,"recommended_action":"rebuild","status":"completed"})json");
// HTTP 200
inline const QByteArray PeelHealthNeedsInput = QByteArray(
    R"json({"api_id":"api_6fb9136db90910dd","bindings":[],"diagnostics":{"build_number":1,"progress":0.2463,"recent_events":[{"at":"2026-11-22T09:41:24.415Z","level":"info","message":"Job queued"},{"at":"2026-11-22T09:41:24.421Z","level":"info","message":"Inspecting the source page"},{"at":"2026-11-22T09:41:24.632Z","level":"warn","message":"Build paused: The site shows a region selector before any data. Which region should the API read?"}]},"recommended_action":"respond","stage":"needs_input","status":"needs_input"})json");
// HTTP 202
inline const QByteArray PeakoSubmitRender = QByteArray(
    R"json({"jobId":"8507754f-6d68-4c8f-bfde-26da0434d066","status":"queued","type":"PEAKO_RENDER"})json");
// HTTP 202
inline const QByteArray PeakoSubmitTranscribe = QByteArray(
    R"json({"jobId":"64e9b02c-7024-4a76-8660-778e72bd3d52","status":"queued","type":"PEAKO_TRANSCRIBE"})json");
// HTTP 202
inline const QByteArray PeakoSubmitTrim = QByteArray(
    R"json({"jobId":"af5bcdbb-3d93-42fc-a09f-f1c54662eae3","status":"queued","type":"PEAKO_TRIM"})json");
// HTTP 200
inline const QByteArray PeakoStatusQueued = QByteArray(
    R"json({"createdAt":1795340486273,"jobId":"1480c595-8c1d-40cb-a5c2-da9a32ce1d3a","status":"queued","updatedAt":1795340486273})json");
// HTTP 200
inline const QByteArray PeakoStatusActive = QByteArray(
    R"json({"createdAt":1795340484652,"jobId":"af5bcdbb-3d93-42fc-a09f-f1c54662eae3","progress":0.4,"status":"active","updatedAt":1795340484683})json");
// HTTP 200
inline const QByteArray PeakoStatusDoneRender = QByteArray(
    R"json({"createdAt":1795340484648,"jobId":"8507754f-6d68-4c8f-bfde-26da0434d066","outputUrl":"http://127.0.0.1:46849/peako/files/8507754f-6d68-4c8f-bfde-26da0434d066/rendered-video-8507754f-6d68-4c8f-bfde-26da0434d066.avi?expires=1795400965943&issued=1795340485943&signature=c21680871b17d4660027b3b8efc262289d997dd1","status":"done","updatedAt":1795340485891})json");
// HTTP 200
inline const QByteArray PeakoStatusDoneTranscribe = QByteArray(
    R"json({"captions":[{"from":0,"id":"1","text":"gather carries of quiet wind","to":2000},{"from":2000,"id":"2","text":"as gently morning colours","to":4000}],"createdAt":1795340484651,"jobId":"64e9b02c-7024-4a76-8660-778e72bd3d52","status":"done","updatedAt":1795340485459})json");
// HTTP 200
inline const QByteArray PeakoStatusFailed = QByteArray(
    R"json({"createdAt":1795340485945,"error":"Video codec not supported","jobId":"dcdd2238-36ec-4fd4-a587-ee02dc91be45","status":"failed","updatedAt":1795340486258})json");
// HTTP 200
inline const QByteArray PeakoStatusCancelled = QByteArray(
    R"json({"createdAt":1795340486273,"jobId":"1480c595-8c1d-40cb-a5c2-da9a32ce1d3a","status":"cancelled","updatedAt":1795340486283})json");
// HTTP 200
inline const QByteArray PeakoCancel = QByteArray(
    R"json({"jobId":"1480c595-8c1d-40cb-a5c2-da9a32ce1d3a","status":"cancelled"})json");
// HTTP 409
inline const QByteArray PeakoCancel409
    = QByteArray(R"json({"error":"Cannot cancel: job is active"})json");
// HTTP 200
inline const QByteArray PeakoList = QByteArray(
    R"json({"activeWorkers":1,"isTeamOwner":false,"jobs":[{"createdAt":1795340486273,"id":"1480c595-8c1d-40cb-a5c2-da9a32ce1d3a","progress":0,"status":"cancelled","type":"PEAKO_MUTE"},{"createdAt":1795340485945,"id":"dcdd2238-36ec-4fd4-a587-ee02dc91be45","progress":0.4667,"status":"failed","type":"PEAKO_BLUR"},{"createdAt":1795340484652,"id":"af5bcdbb-3d93-42fc-a09f-f1c54662eae3","progress":0.5,"status":"active","type":"PEAKO_TRIM"},{"createdAt":1795340484651,"id":"64e9b02c-7024-4a76-8660-778e72bd3d52","progress":1,"status":"done","type":"PEAKO_TRANSCRIBE"},{"createdAt":1795340484648,"id":"8507754f-6d68-4c8f-bfde-26da0434d066","outputUrl":"http://127.0.0.1:46849/peako/files/8507754f-6d68-4c8f-bfde-26da0434d066/rendered-video-8507754f-6d68-4c8f-bfde-26da0434d066.avi?expires=1795400966289&issued=1795340486289&signature=9adca4d330fa58c2e4b8f52c7a91d5da1808e8d9","progress":1,"status":"done","type":"PEAKO_RENDER"}],"maxWorkers":8,"totalWorkers":8})json");
// HTTP 404
inline const QByteArray Peako404 = QByteArray(R"json({"error":"Job not found"})json");
// HTTP 401
inline const QByteArray Peako401 = QByteArray(R"json({"error":"Missing or invalid API key"})json");
// HTTP 400
inline const QByteArray Peako400 = QByteArray(R"json({"error":"template: is required"})json");
// HTTP 200
inline const QByteArray DeApiSubmit
    = QByteArray(R"json({"data":{"request_id":"afe2a4cc-f0cd-4e0a-bad6-420fde8207b8"}})json");
// HTTP 200
inline const QByteArray DeApiStatusPending = QByteArray(
    R"json({"data":{"job_type":"txt2img","progress":0,"request_id":"afe2a4cc-f0cd-4e0a-bad6-420fde8207b8","status":"pending"}})json");
// HTTP 200
inline const QByteArray DeApiStatusProcessingPreview = QByteArray(
    R"json({"data":{"job_type":"txt2img","preview":"data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEAZABkAAD/2wBDAAoHBwgHBgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEExNDk7Pj4+JS5ESUM8SDc9Pjv/2wBDAQoLCw4NDhwQEBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozv/wAARCABgAGADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDOII649cU4IW+Un8fX8acq4JI6+1WYY+Q2OSK9eotCIEaxsoGfTt0qdI+hx16VPHEMf0FWY4RkE8574615VVHdApCNtw5JwetSLE2QR/hVzyxkZBOKcqgAnsR+VcTibJlZYyRjv2qTy3IGOanWMnGR+RqdEAHTP9K0jExmZ8kJPHb61QuYWz057V0LoGGCPcVnXUQYEAD24rRI5Jo5a7Qhjwc8VlyrztroL6Lk8dOvFYlwvz8df6VaOZnRIgL88n35q1AvHXrjOBUaptYKAeevPNTxgD0/GvVqO6NacolmLg8YbP61YTpk5qspCcNyKXzcccevPrXk1uY9CnKLLDNwScZHfrTSctnjHaofOy2MetCy4IAHXnNcfMzoSiy3GQW3Dr9atIMAYxgetZ6S7MH19qmWcqOOnP0FbxkyHBFh2AJ9OmaozjOQB7U+W4YnJNUp7jaSTj3NXc5akSndRls4/AGsO4g+YnHHWtO4uOuc9azJ5svnn2FNHFNHRDCnPTjtShwOc85qHzMkf1oLsBxnAretibM76WGVicyjIGMfShnHaqrOQT6DrTo2J5bI/GslNT0LdLlJw4DZz+R604Mcjv8A1pgBJOT16U4ZH0xms3BJjVyXeMd1PoB1pDMVHXpnFRsxUDJP51BLN1z0P6U+VEttEslzno2OPWqM02eeOvXNMkmUHcSc5qnLcKT1HTGKVjGcyG6uDnqenftWbJcFTgVPO2ecZycis2TJkB9u3WrRyy1O49xR3GOwoU7cY/DmjJJ55PpmtK1C7PSp1hhweMcevanRsMjPQmkCbuvI9adtKkcjJ5rCMeVluVyzGeoI7evWpgAF9xzVdW2jkZ9qXzMH2HatnJWJSHSsNp+XqazZn+XjPWrM0oOcktjmqM7Z9s85qZNENFG4kbk9KqGRzgdscirUoySTn6A1C6Z4Bxxn1zWPUwm0VpTuznPFVXX2/XGauGLsCQfrUDRkHPU+wraLOSTOx28deaawDDg9qYJu/Unr608NyDuwcV6lSzN4DgQDjP8AjTWbj8elBwcd88ZqFzxnHHHavOqWWp1wuyTzsYwScc81G0x9e3Ge1Qlvr7VE8pGQemOa8+VV3OtR0J5JSM4/lUDuCOCPQ03flueCfWg5OTjOOlUp3OapoR7RnPTvxQ0ffj8KnCenWnrF0+XtjGa1ijgqSKEkfcDqKqyx5b5csf0rXMPy5xjjp61Skjw/PP8Anit0jjlI0g/pz60vn9OagDE9P50oY7cgewOK7qjPQgiYyA9RjFMZiwHy57Z60wksCc8dqbu5OT0rzazOymOY7V68c8VG5zzkZx+dKW9B/wDWqFieSOnsa857nX0JM5H8qcuAByBxUQJU9c8A5zTgTjtnHGPStoHFVLIIzjJyeBT1zjnjPpVdW6n86kVzjGeSPyrrieZVJHYbeo5qlJyxBINTs3GCRgDkZxVVycnkE++K3Rxs/9k=","progress":53.3,"request_id":"afe2a4cc-f0cd-4e0a-bad6-420fde8207b8","status":"processing"}})json");
// HTTP 200
inline const QByteArray DeApiStatusDone = QByteArray(
    R"json({"data":{"job_type":"txt2img","processing_time_ms":608,"progress":100,"request_id":"afe2a4cc-f0cd-4e0a-bad6-420fde8207b8","result_url":"http://127.0.0.1:46849/deapi/files/afe2a4cc-f0cd-4e0a-bad6-420fde8207b8/output.png?expires=1795349127265&issued=1795340487265&signature=794ebf389d73c862fb78da0ffe7316aea5723756","status":"done"}})json");
// HTTP 200
inline const QByteArray DeApiStatusError = QByteArray(
    R"json({"data":{"error":"The output was blocked by the safety filter","job_type":"txt2img","processing_time_ms":300,"progress":47.5,"request_id":"5f33fbdb-a31c-45c6-9723-a0a907ba1c00","status":"error"}})json");
// HTTP 200
inline const QByteArray DeApiWebhookCompleted = QByteArray(
    R"json({"data":{"job_request_id":"afe2a4cc-f0cd-4e0a-bad6-420fde8207b8","job_type":"txt2img","processing_time_ms":608,"result_url":"http://127.0.0.1:46849/deapi/files/afe2a4cc-f0cd-4e0a-bad6-420fde8207b8/output.png?expires=1795349127246&issued=1795340487246&signature=d6b4bef7edba4a56fac322bd874eaddb3a8f95cb","status":"done"},"event":"job.completed"})json");
// HTTP 200
inline const QByteArray DeApiWebhookFailed = QByteArray(
    R"json({"data":{"error":"The output was blocked by the safety filter","job_request_id":"5f33fbdb-a31c-45c6-9723-a0a907ba1c00","job_type":"txt2img","processing_time_ms":300,"status":"error"},"event":"job.failed"})json");
// HTTP 200
inline const QByteArray DeApiAuth = QByteArray(
    R"json({"auth":"sandbox-pusher-67614abb28db:c822dbecb1364ea5312edeab849fa062fe4fc949f789c2be2faa29f75ea48620"})json");
// HTTP 403
inline const QByteArray DeApiAuth403
    = QByteArray(R"json({"message":"This key may only subscribe to private-client.3835."})json");
// HTTP 422
inline const QByteArray DeApiAuth422 = QByteArray(
    R"json({"errors":{"socket_id":["The socket id must look like 1234.5678."]},"message":"The given data was invalid."})json");
// HTTP 404
inline const QByteArray DeApi404 = QByteArray(R"json({"message":"Request not found."})json");
// HTTP 401
inline const QByteArray DeApi401 = QByteArray(R"json({"message":"Unauthenticated."})json");
// HTTP 422
inline const QByteArray DeApi422 = QByteArray(
    R"json({"message":"prompt: is required; width: must be an integer, not a string"})json");
// Pusher frames of the channel private-client.{id} while one txt2img job succeeded and one
// failed (NSFW_DETECTED), in arrival order.
inline const QList<QByteArray> DeApiPusherFrames = {
    QByteArray(
        R"json({"event":"pusher_internal:subscription_succeeded","channel":"private-client.3835","data":"{}"})json"),
    QByteArray(
        R"json({"event":"request.status.updated","channel":"private-client.3835","data":"{\"job_type\":\"txt2img\",\"preview\":null,\"progress\":0,\"request_id\":\"afe2a4cc-f0cd-4e0a-bad6-420fde8207b8\",\"result_url\":null,\"status\":\"processing\"}"})json"),
    QByteArray(
        R"json({"event":"request.status.updated","channel":"private-client.3835","data":"{\"job_type\":\"txt2img\",\"preview\":null,\"progress\":3.3,\"request_id\":\"afe2a4cc-f0cd-4e0a-bad6-420fde8207b8\",\"result_url\":null,\"status\":\"processing\"}"})json"),
    QByteArray(
        R"json({"event":"request.status.updated","channel":"private-client.3835","data":"{\"job_type\":\"txt2img\",\"preview\":\"data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEAZABkAAD/2wBDAAoHBwgHBgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEExNDk7Pj4+JS5ESUM8SDc9Pjv/2wBDAQoLCw4NDhwQEBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozv/wAARCABgAGADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDOII649cU4IW+Un8fX8acq4JI6+1WYY+Q2OSK9eotCIEaxsoGfTt0qdI+hx16VPHEMf0FWY4RkE8574615VVHdApCNtw5JwetSLE2QR/hVzyxkZBOKcqgAnsR+VcTibJlZYyRjv2qTy3IGOanWMnGR+RqdEAHTP9K0jExmZ8kJPHb61QuYWz057V0LoGGCPcVnXUQYEAD24rRI5Jo5a7Qhjwc8VlyrztroL6Lk8dOvFYlwvz8df6VaOZnRIgL88n35q1AvHXrjOBUaptYKAeevPNTxgD0/GvVqO6NacolmLg8YbP61YTpk5qspCcNyKXzcccevPrXk1uY9CnKLLDNwScZHfrTSctnjHaofOy2MetCy4IAHXnNcfMzoSiy3GQW3Dr9atIMAYxgetZ6S7MH19qmWcqOOnP0FbxkyHBFh2AJ9OmaozjOQB7U+W4YnJNUp7jaSTj3NXc5akSndRls4/AGsO4g+YnHHWtO4uOuc9azJ5svnn2FNHFNHRDCnPTjtShwOc85qHzMkf1oLsBxnAretibM76WGVicyjIGMfShnHaqrOQT6DrTo2J5bI/GslNT0LdLlJw4DZz+R604Mcjv8A1pgBJOT16U4ZH0xms3BJjVyXeMd1PoB1pDMVHXpnFRsxUDJP51BLN1z0P6U+VEttEslzno2OPWqM02eeOvXNMkmUHcSc5qnLcKT1HTGKVjGcyG6uDnqenftWbJcFTgVPO2ecZycis2TJkB9u3WrRyy1O49xR3GOwoU7cY/DmjJJ55PpmtK1C7PSp1hhweMcevanRsMjPQmkCbuvI9adtKkcjJ5rCMeVluVyzGeoI7evWpgAF9xzVdW2jkZ9qXzMH2HatnJWJSHSsNp+XqazZn+XjPWrM0oOcktjmqM7Z9s85qZNENFG4kbk9KqGRzgdscirUoySTn6A1C6Z4Bxxn1zWPUwm0VpTuznPFVXX2/XGauGLsCQfrUDRkHPU+wraLOSTOx28deaawDDg9qYJu/Unr608NyDuwcV6lSzN4DgQDjP8AjTWbj8elBwcd88ZqFzxnHHHavOqWWp1wuyTzsYwScc81G0x9e3Ge1Qlvr7VE8pGQemOa8+VV3OtR0J5JSM4/lUDuCOCPQ03flueCfWg5OTjOOlUp3OapoR7RnPTvxQ0ffj8KnCenWnrF0+XtjGa1ijgqSKEkfcDqKqyx5b5csf0rXMPy5xjjp61Skjw/PP8Anit0jjlI0g/pz60vn9OagDE9P50oY7cgewOK7qjPQgiYyA9RjFMZiwHy57Z60wksCc8dqbu5OT0rzazOymOY7V68c8VG5zzkZx+dKW9B/wDWqFieSOnsa857nX0JM5H8qcuAByBxUQJU9c8A5zTgTjtnHGPStoHFVLIIzjJyeBT1zjnjPpVdW6n86kVzjGeSPyrrieZVJHYbeo5qlJyxBINTs3GCRgDkZxVVycnkE++K3Rxs/9k=\",\"progress\":50,\"request_id\":\"afe2a4cc-f0cd-4e0a-bad6-420fde8207b8\",\"result_url\":null,\"status\":\"processing\"}"})json"),
    QByteArray(
        R"json({"event":"request.status.updated","channel":"private-client.3835","data":"{\"job_type\":\"txt2img\",\"preview\":null,\"progress\":86.7,\"request_id\":\"afe2a4cc-f0cd-4e0a-bad6-420fde8207b8\",\"result_url\":null,\"status\":\"processing\"}"})json"),
    QByteArray(
        R"json({"event":"request.status.updated","channel":"private-client.3835","data":"{\"job_type\":\"txt2img\",\"preview\":null,\"progress\":100,\"request_id\":\"afe2a4cc-f0cd-4e0a-bad6-420fde8207b8\",\"result_url\":null,\"status\":\"processing\"}"})json"),
    QByteArray(
        R"json({"event":"request.status.updated","channel":"private-client.3835","data":"{\"job_type\":\"txt2img\",\"preview\":null,\"processing_time_ms\":608,\"progress\":100,\"request_id\":\"afe2a4cc-f0cd-4e0a-bad6-420fde8207b8\",\"result_url\":\"http://127.0.0.1:46849/deapi/files/afe2a4cc-f0cd-4e0a-bad6-420fde8207b8/output.png?expires=1795349127246&issued=1795340487246&signature=d6b4bef7edba4a56fac322bd874eaddb3a8f95cb\",\"status\":\"done\"}"})json"),
    QByteArray(
        R"json({"event":"request.status.updated","channel":"private-client.3835","data":"{\"job_type\":\"txt2img\",\"preview\":null,\"progress\":0,\"request_id\":\"5f33fbdb-a31c-45c6-9723-a0a907ba1c00\",\"result_url\":null,\"status\":\"processing\"}"})json"),
    QByteArray(
        R"json({"event":"request.status.updated","channel":"private-client.3835","data":"{\"job_type\":\"txt2img\",\"preview\":null,\"progress\":3.3,\"request_id\":\"5f33fbdb-a31c-45c6-9723-a0a907ba1c00\",\"result_url\":null,\"status\":\"processing\"}"})json"),
    QByteArray(
        R"json({"event":"request.status.updated","channel":"private-client.3835","data":"{\"job_type\":\"txt2img\",\"preview\":\"data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEAZABkAAD/2wBDAAoHBwgHBgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEExNDk7Pj4+JS5ESUM8SDc9Pjv/2wBDAQoLCw4NDhwQEBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozv/wAARCABIAGADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDlwFOVKAbfUZHUcZ9BT0mBG3JGDhuo69f/AGakz5kOHBDHAJccDn9O2f8AOWBWJJCs2PlIk6DkcfX/ABrmse2W4E54BAIxuZwQff3/AM+tXLeNFdnVQSuDzkY/T1FQRhBhwSGxheo4z6GrCQHaRFuBB5Ycd/8AJ4rogMmCeWoZCdhJ/hHcc/XFTRCT644Y5z+P5g/rTISGVwCAzDYMtjPr7flTomUAlgrBj82Odp7dq6UBYjlbcj7QF54XPr17e36U4hAgJC9fmJfnd6/n+X0oUlB3DE4GDyc+4HX6f0p5zwECqAd5yx646CrQGfcIsbF1I3gZA/i75zWZOwdm2kMSAQGABH+c/wD660ZzgMy8KpB+Y5PXrx6/j0rOnIViFYhRgHcBnjr+WP8A9eKZnIznKrMN6qgxkDIAI+lBD4Em8FgDwFGc+o/SnShY8AKxOcllGAfT3I5A/KoiMqSWB5HT1759TQZGrGgZRlSW6g7fuj3/ADpvk7HjzGd+OeR83f39ulXxGjpl3IbJyAcdc9v/ANXf1pEt0wdqrv68kEemM9ua4+Q6CCKNeZCXAJwoHOPTI/w/+vU8YxIPNQYzuO07dp9/zqYW+WVt25BxnGQQCTjj2zzUnlgxjdggHjHRRn/9XFaKIAseCDvZUZsEbgRyM/WnRxsq8DJI3bge3QdvTtThGShUHa/IO08AZqRAWPmMWY5GRjkD2x/nFaCG7NqqAoLIc54AI5xz9B/Wnyruw/lhSSCGByD1J7e/6U7cu4qrEHqwXAXOef8ADPoKcqoV3Yw3GPlznPOOfYfyp3KM25QKA7FQVIPHTPX09s1lzy5d2XByThl6/wCIrWkDs5HmAshLfKO/oB17/p+NZ821SNzjng46KOvFO5mzKlyxJ+63ck4AHX+g/Tml3B224JMnJxkZH/1+f89JmVDMdxwQOuf6555yP0zTEXydkhY5OS245xnv1/8A14ouZnUPDErMduWxk+x9Rkj9PT61AhjA2ptJxkjGD+vXr/KmsSisyjg5IbA7euOP8/hTlbaA2470H3Q2MnPf1pWNrkodAu3IIjzgZxgAeo/z9KdGoZmBA+X5QAvP/wCvIPHrUUh8xSSVBQbdpPBGR+WPzpxj24GCndiG6+2fpn/63d2FcnVEKgmTJc4IIIBzx/k+tI0mJiwI2k4++B+vXGR/P1qAlmwEY43cnqOTnpj/ADinmRNh2AYzgccgkD+oosK5YidHdlBJQgksT7Y6+nPQ9Kazq8WWbJHUFux9/wACahV287JZ92BhiV9+O/r+NNlIcAH7jHovpngemeTx7ZqbFXIrhijKUHJbkE/T/HrVC6IjQkTDpzk4Ld+n41LOx2tujO0cnPUnuP0/z3pySCV9gxgZBPcc+/4flQQ2QSbt/wAoVXI3ZZgeMfqf89qQLEq4dEjHqOcfXp/nNEjbAxBJwmMkZzk5z/kf/WikcvIQxyI8hccdOp//AFflTIubQlzGe7Mdu4Enj/P+NKZ4xmNCFH+9nOenf1quJZFIRn+hK84znIPfvTsgg8mQYAGAc5zkgdqY7ll5fOkbCnCHB4OD1/PrQsiiN+TtPX5s/Qn8sdqr+bKo2gnrnAIBPJ9KUEqWIKiJuH249Mjr7H2+lWkFyYyyJG2VKnICknGOOmaeZsJktgjOWwep/wD1iqxC4+YOgXnO3O05+v8AP0od9jMVUBvvHJ6ZI61TQXLJmdgwlzw2SpGcjP8A9f8ASmm4yD03H5fvck/ieO3+NQ7nbIOA4GFDHAJ+vr261GrYxmPHHHGNxH6ntwKzaC4kjMcOZApY4LEDOfUEHFVJVwhJnDhuxXP5Z/yKmkIZ2KMRG2CT0A/Dg+veqkrqhzsXDDIJHbHv17/5FSQ2R7lIBUZIAGQcFuwx7/5yaYdzchc4BUZbg+2T+HekfO4/Ix2MG2nAHtx+VBVvKKq7OOOQchjj68f/AKqCLmwy/OrYDNjdtI+8Mccf56Uu91yRx2+U9/x+nTjtRRTNRXc54fG71bbnnj8BzT1kjYmQoMqewzkcd8D0oorRANLZKu+1wBkYYgcfj9KRQd7fMAyngbun5f40UVTAduPzBjgMAcgH8s8D6duKjwWdmw645HX17fn096KKzYELhw2eUx/e6gdj09z+vvVaQvGBvQFj1PQgd+v+eaKKkhld1UyYC7kyf4h7EdPp+vemrIsfsc7hvXHOAe31oopEH//Z\",\"progress\":20,\"request_id\":\"5f33fbdb-a31c-45c6-9723-a0a907ba1c00\",\"result_url\":null,\"status\":\"processing\"}"})json"),
    QByteArray(
        R"json({"event":"request.status.updated","channel":"private-client.3835","data":"{\"job_type\":\"txt2img\",\"preview\":\"data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEAZABkAAD/2wBDAAoHBwgHBgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEExNDk7Pj4+JS5ESUM8SDc9Pjv/2wBDAQoLCw4NDhwQEBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozv/wAARCABIAGADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDggvOCvT16VYjbIxz15/z+dOEe5cMCD6kVNHDnoCe3zdKzTPVURIkPYEA9yat28eGLBelSRQLwwyD0FW47Q4+QEH1HFdVPYrlGxoVUEZ2n2q1Er/XsT1p8MQIIGATwOasRRDnIBB645waJItIhUtkHbgc8D+dJIvAyB7ndzmr4hx6gnjj/ABxSyW/TAAGcnnvRHYowZ02ksOoGff8AGs6c5JxzxkAjFblxDgMR0HqcnrWRdKFJAJA9xzT5jORiXX3uQF46Z61muj53ZyRnoBW1PGMdD16jvVJrfOTwf880mrnNJGxGuccc/ToKuwQcplDnvz1pixA4LMQc1oWsagcAbvfms1BHVEIoAPm+bk4FWUjww3KMdeDjFSBMkHOR9OtShRt5wR29BW8VZFMEiwRyQCeRnNTxRkDpkkZyPSmKMjHRuQcdKsx8nccnkfUCpmABMADAyD1/z9KJhkA7QD2OaeWAOAee+OlMJXGe/wBP0ojaxRn3MfG44BFY92uSxHOe461uSEkn5gSOeBWbcbQeWH+FSo6kMwZ4+Dxg9+cYqsQC2MElufwrSuNu45649aziwRgxPJ5OavYwkdIYkDE7ee9Sw4AwuM45GMVB05A69+KtwAcHPI7Z71CZskTKwxjsvT2p6DJOQOOBgUjDIJ444xmlKbe2O5IPWtlqGxIu3+914OQamWTEmexOOtUiScBTxnrUglG07cY/UGomhplzzVJIByD1NQPKCvJ6dRmoGmO/OTnHBOKgll3Yz90noP8APvWS0C5LLJjBXueh/Cs+5cKD8/b6ZpZZTg5U46nNUpZd7YHbIPtWqkS2Vbpjk4wG68ntWa20E5CqPXrV25bAY5zxiqEhLSEH+Hp2qXqc8mdAsuR6knGRV2GZR8oIA+uc1lLKQwBb8SOcev8AOrUUox1LDjpnP0FNRNVI0mm3scZwOKTzRtPPH1qt5zdMn6Z/woBxnGAh64rojEbkTmRgp4wcjBz0p3m4XJPI6nFVzjHO4Ad8ZxzQzBScAZ68n+dKUQuTPISCHz15BqFpM59Tx1pCxPHQ9gT/AJ+lR7umV7cds1jyhca5J+bdgnjOOaqSj5T+83A9iKsOQSSDhTiqsrBedowecn0/rRykNlWXGMgdBjPc1SZSSSBnAwMnirk3f5Sdpzjp9KrMDtIBLe46GlYykX+dwPU9cHvViN2HTj6UUVshosBj2br6nGanVlPzbRkelFFaotCZ6FsEex/+v9KQZyeeQeBmiimygJPIJxkDmozksT8w7jrRRWbJI33demPXtVaTK9QCT1Pt3ooqWJlWUAngZGfX/PpVbcFPpznkUUVkzNn/2Q==\",\"progress\":40.2,\"request_id\":\"5f33fbdb-a31c-45c6-9723-a0a907ba1c00\",\"result_url\":null,\"status\":\"processing\"}"})json"),
    QByteArray(
        R"json({"event":"request.status.updated","channel":"private-client.3835","data":"{\"error\":\"The output was blocked by the safety filter\",\"job_type\":\"txt2img\",\"preview\":null,\"processing_time_ms\":300,\"progress\":47.5,\"request_id\":\"5f33fbdb-a31c-45c6-9723-a0a907ba1c00\",\"result_url\":null,\"status\":\"error\"}"})json"),
};

} // namespace Recorded
