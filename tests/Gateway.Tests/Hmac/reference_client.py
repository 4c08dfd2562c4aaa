"""The HMAC reference client from the gateway contract, runnable from the tests.

    reference_client.py sign KEY_ID SECRET METHOD PATH TIMESTAMP NONCE BODY_HEX   -> prints the signature
    reference_client.py send BASE_URL KEY_ID SECRET METHOD PATH BODY_HEX         -> prints {"status", "body"}

Standard library only (hmac, hashlib, urllib). `send` trusts any server certificate: test use only.
"""
import hashlib
import hmac
import json
import ssl
import sys
import time
import urllib.error
import urllib.request
import uuid


class HMACAuthClient:
    def __init__(self, key_id, secret):
        self.key_id = key_id
        self.secret = secret.encode()

    def sign_request(self, method, path, body=b"", timestamp=None, nonce=None):
        timestamp = str(int(time.time())) if timestamp is None else timestamp
        nonce = str(uuid.uuid4()) if nonce is None else nonce
        message = f"{method}\n{path}\n{timestamp}\n{nonce}\n".encode() + body
        signature = hmac.new(self.secret, message, hashlib.sha256).hexdigest()
        return {"X-API-Key": self.key_id, "X-Timestamp": timestamp, "X-Nonce": nonce, "X-Signature": signature}


def send(base_url, key_id, secret, method, path, body):
    headers = HMACAuthClient(key_id, secret).sign_request(method, path, body)
    request = urllib.request.Request(base_url.rstrip("/") + path, data=body if body else None, method=method, headers=headers)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def main(argv):
    if argv[1] == "sign":
        key_id, secret, method, path, timestamp, nonce, body_hex = argv[2:9]
        headers = HMACAuthClient(key_id, secret).sign_request(method, path, bytes.fromhex(body_hex), timestamp, nonce)
        print(headers["X-Signature"])
    elif argv[1] == "send":
        base_url, key_id, secret, method, path, body_hex = argv[2:8]
        status, body = send(base_url, key_id, secret, method, path, bytes.fromhex(body_hex))
        print(json.dumps({"status": status, "body": body}))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
