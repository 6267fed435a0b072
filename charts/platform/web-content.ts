/**
 * Files of the demo web app: the PHP page (seeded onto the shared volume), the nginx server block
 * and the php-fpm pool override. The page names the pod that served it in the body and in the
 * `X-Served-By` header (the load generator counts distinct pods from that header).
 */

/** Port nginx listens on (nginx-unprivileged cannot bind 80). */
import { SERVED_BY_HEADER, WEB_ROOT } from "../../src/contracts/platform";

export const WEB_HTTP_PORT = 8080;
/** php-fpm's FastCGI port, reachable only inside the pod (the NetworkPolicy admits 8080 only). */
export const PHP_FPM_PORT = 9000;

export const INDEX_PHP = `<?php
// Seeded by clusterkit onto the shared volume; every replica serves this same file.
$pod = getenv('POD_NAME') ?: gethostname();
$ip = getenv('POD_IP') ?: ($_SERVER['SERVER_ADDR'] ?? 'unknown');
$node = getenv('NODE_NAME') ?: 'unknown';
header('${SERVED_BY_HEADER}: ' . $pod);
header('Cache-Control: no-store');
?><!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>clusterkit demo</title></head>
<body>
<h1>Served by pod <span id="pod-name"><?= htmlspecialchars($pod) ?></span></h1>
<p>Pod IP <span id="pod-ip"><?= htmlspecialchars($ip) ?></span> on node <span id="node-name"><?= htmlspecialchars($node) ?></span>.</p>
<p>This page lives on the shared volume. Generated at <?= date('c') ?>.</p>
</body>
</html>
`;

export const NGINX_CONF = `server {
    listen ${WEB_HTTP_PORT};
    server_name _;
    root ${WEB_ROOT};
    index index.php;

    # Liveness: nginx itself.
    location = /healthz {
        access_log off;
        default_type text/plain;
        return 200 "ok\\n";
    }

    # Readiness: nginx and php-fpm together.
    location = /fpm-ping {
        access_log off;
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        fastcgi_pass 127.0.0.1:${PHP_FPM_PORT};
    }

    location / {
        try_files $uri $uri/ /index.php?$query_string;
    }

    location ~ \\.php$ {
        try_files $uri =404;
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        fastcgi_pass 127.0.0.1:${PHP_FPM_PORT};
    }
}
`;

/** Loaded after the image's own pool files (`zz-docker.conf`), so these settings win. */
export const PHP_FPM_POOL_CONF = `[www]
; php-fpm clears the environment by default; pass only the downward-API variables.
env[POD_NAME] = $POD_NAME
env[POD_IP] = $POD_IP
env[NODE_NAME] = $NODE_NAME
ping.path = /fpm-ping
ping.response = pong
pm = dynamic
pm.max_children = 10
pm.start_servers = 2
pm.min_spare_servers = 1
pm.max_spare_servers = 3
`;

/**
 * Init step: put index.php on the shared volume unless it is already there. The volume is the
 * source of truth (as in the customer's setup), so edits made on the share survive restarts.
 * Write-then-rename keeps replicas starting together from seeing a half-written file.
 */
export const SEED_SCRIPT = `set -eu
if [ -e ${WEB_ROOT}/index.php ]; then echo "index.php already on the shared volume"; exit 0; fi
tmp="${WEB_ROOT}/.index.php.$(hostname)"
if ! cp /seed/index.php "$tmp"; then
  echo "cannot write to the shared volume as uid $(id -u): make the export writable by that uid, or put index.php there (docs/platform.md)" >&2
  exit 1
fi
mv -f "$tmp" ${WEB_ROOT}/index.php
echo "seeded index.php"
`;
