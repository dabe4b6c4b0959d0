#!/usr/bin/env python3
"""Computes SigV4VerifierTest's expected signatures with Python's standard library only (hmac, hashlib), following
AWS's published Signature Version 4 steps, independently of the Java code under test. Run: python3 vectors.py"""
import hashlib
import hmac

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
DATE = "20261202T120000Z"
REGION = "us-east-1"
SERVICE = "firehose"
BODY = b'{"DeliveryStreamName":"s1","Records":[{"Data":"aGVsbG8="}]}'

# Header sets as each client sends and signs them for a Firehose call (names as sent; values as sent).
CLIENTS = {
    "boto3": [
        ("Host", "localhost:8443"),
        ("X-Amz-Target", "Firehose_20150804.PutRecordBatch"),
        ("Content-Type", "application/x-amz-json-1.1"),
        ("X-Amz-Date", DATE),
    ],
    "boto3-session": [
        ("Host", "localhost:8443"),
        ("X-Amz-Target", "Firehose_20150804.PutRecordBatch"),
        ("Content-Type", "application/x-amz-json-1.1"),
        ("X-Amz-Date", DATE),
        ("X-Amz-Security-Token", "FwoLocalSessionTokenExample"),
    ],
    "javascript-v3": [
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", "Firehose_20150804.PutRecordBatch"),
        ("content-length", str(len(BODY))),
        ("host", "localhost:8443"),
        ("x-amz-user-agent", "aws-sdk-js/3.700.0"),
        ("amz-sdk-invocation-id", "0b7bd7b4-1f3e-4c9e-9b4c-5b2f1b1c2d3e"),
        ("amz-sdk-request", "attempt=1; max=3"),
        ("x-amz-date", DATE),
    ],
}


def sign(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signature(headers):
    canonical = {}
    for name, value in headers:
        canonical.setdefault(name.lower(), []).append(" ".join(value.strip().split()))
    names = sorted(canonical)
    canonical_headers = "".join(n + ":" + ",".join(canonical[n]) + "\n" for n in names)
    signed_headers = ";".join(names)
    request = "\n".join(["POST", "/", "", canonical_headers, signed_headers, hashlib.sha256(BODY).hexdigest()])
    scope = "/".join([DATE[:8], REGION, SERVICE, "aws4_request"])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", DATE, scope, hashlib.sha256(request.encode("utf-8")).hexdigest()])
    key = sign(("AWS4" + SECRET).encode("utf-8"), DATE[:8])
    for part in (REGION, SERVICE, "aws4_request"):
        key = sign(key, part)
    return signed_headers, hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


for client, headers in CLIENTS.items():
    print(client, *signature(headers))
