import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

import { PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH, type LoginRequest, type LoginResponse } from '@kube-monitoring/contract';

import { UserViewDto } from '../users/users.dto';

// class-validator checks the decorator nearest the field first and stops there: type checks go last.
export class LoginDto implements LoginRequest {
  @ApiProperty({ description: 'Login name.', example: 'alice', maxLength: USERNAME_MAX_LENGTH })
  @MaxLength(USERNAME_MAX_LENGTH, { message: `username must be at most ${USERNAME_MAX_LENGTH} characters` })
  @IsNotEmpty({ message: 'username is required' })
  @IsString({ message: 'username must be a string' })
  username!: string;

  @ApiProperty({ description: 'Password.', format: 'password', writeOnly: true, example: 'tulip-Orbit-93', maxLength: PASSWORD_MAX_LENGTH })
  @MaxLength(PASSWORD_MAX_LENGTH, { message: `password must be at most ${PASSWORD_MAX_LENGTH} characters` })
  @IsNotEmpty({ message: 'password is required' })
  @IsString({ message: 'password must be a string' })
  password!: string;
}

export class LoginResponseDto implements LoginResponse {
  @ApiProperty({ description: 'JWT (HS256) to send as `Authorization: Bearer <token>`.', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.…' })
  accessToken!: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires (JWT_EXPIRES_IN).', example: 28800 })
  expiresIn!: number;

  @ApiProperty({ type: UserViewDto })
  user!: UserViewDto;
}
