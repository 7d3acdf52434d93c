import { HttpException, HttpStatus } from '@nestjs/common';

/** 405 with `Allow: POST`, the original system's answer to any other method on a metric path. */
export class MethodNotAllowedError extends HttpException {
  readonly headers = { allow: 'POST' };

  constructor() {
    super('Method not allowed: use POST', HttpStatus.METHOD_NOT_ALLOWED);
  }
}
