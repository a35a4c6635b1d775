/* SPDX-License-Identifier: ISC */
/*
 * jwt_int: what jwt.c and jwk.c share and nothing else needs (the JWKS
 * fuzz target checks it too).
 */
#ifndef FCM_JWT_INT_H
#define FCM_JWT_INT_H

#include "jwt.h"

/* Is the name a JWS algorithm we verify, with that kind of key and curve? */
int	 jwt_alg_fits(const char *, enum jwk_kty, int);

#endif
